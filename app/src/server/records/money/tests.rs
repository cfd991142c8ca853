//! The rounding rules of `money.rs`, one test each, with the currencies whose minor units differ.

use super::*;

fn eur() -> Currency {
    Currency::parse("EUR", "currency").unwrap()
}

fn field(e: DomainError) -> &'static str {
    match e {
        DomainError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn currencies_are_iso_4217_with_their_minor_units() {
    assert_eq!(Currency::parse(" eur ", "c").unwrap().exponent(), 2);
    assert_eq!(Currency::parse("JPY", "c").unwrap().exponent(), 0);
    assert_eq!(Currency::parse("KWD", "c").unwrap().exponent(), 3);
    for refused in ["", "EURO", "XXX", "XAU", "BOV", "€", "E'R"] {
        assert_eq!(
            field(Currency::parse(refused, "currency").unwrap_err()),
            "currency",
            "{refused}"
        );
    }
}

#[test]
fn typed_amounts_are_exact_or_refused() {
    let cents = |s: &str| Money::parse(s, eur(), "unit_price").map(|m| m.minor());
    assert_eq!(cents("12.34").unwrap(), 1234);
    assert_eq!(cents("12.3").unwrap(), 1230);
    assert_eq!(cents("12").unwrap(), 1200);
    assert_eq!(cents(" 0.05 ").unwrap(), 5);
    assert_eq!(cents("1,234,567.89").unwrap(), 123_456_789);
    assert_eq!(cents("999999999999.99").unwrap(), 99_999_999_999_999);
    for bad in [
        "12.345",
        "-1",
        "+1",
        "1e3",
        "12.",
        ".5",
        "",
        "1,23",
        "12,3456",
        "1.2.3",
        "NaN",
        "٣",
        "1000000000000",
        "12 .3",
        "0x10",
    ] {
        assert_eq!(field(cents(bad).unwrap_err()), "unit_price", "{bad:?}");
    }
    let yen = Currency::parse("JPY", "c").unwrap();
    assert_eq!(Money::parse("1200", yen, "p").unwrap().minor(), 1200);
    assert!(Money::parse("1200.5", yen, "p").is_err());
    let dinar = Currency::parse("KWD", "c").unwrap();
    assert_eq!(Money::parse("1.005", dinar, "p").unwrap().minor(), 1005);
}

#[test]
fn the_refusal_says_how_many_decimals_the_currency_has() {
    let message =
        |code: &str| match Money::parse("1.23456", Currency::parse(code, "c").unwrap(), "p") {
            Err(DomainError::Invalid { message, .. }) => message,
            other => panic!("{other:?}"),
        };
    assert_eq!(
        message("EUR"),
        "Enter an amount with at most 2 decimals, like 1200.55."
    );
    assert_eq!(message("JPY"), "Enter an amount in whole JPY, like 1200.");
    assert_eq!(
        message("KWD"),
        "Enter an amount with at most 3 decimals, like 1200.555."
    );
}

#[test]
fn percentages_are_basis_points_up_to_a_hundred() {
    assert_eq!(parse_percent("12.5", "discount").unwrap(), 1250);
    assert_eq!(parse_percent("20 %", "discount").unwrap(), 2000);
    assert_eq!(parse_percent("0", "discount").unwrap(), 0);
    assert_eq!(parse_percent("100", "discount").unwrap(), WHOLE);
    assert_eq!(display_percent(1250), "12.5 %");
    assert_eq!(display_percent(2000), "20 %");
    assert_eq!(display_percent(5), "0.05 %");
    for bad in ["100.01", "101", "-5", "12.345", "", "ten"] {
        assert_eq!(
            field(parse_percent(bad, "discount").unwrap_err()),
            "discount",
            "{bad:?}"
        );
    }
}

#[test]
fn percentages_round_half_away_from_zero_once() {
    let m = |minor| Money::from_minor(minor, eur());
    // 5 % of 10 cents is exactly half a cent: up to 1.
    assert_eq!(m(10).percent(5 * PERCENT).unwrap().minor(), 1);
    // 5 % of 9 cents is 0.45: down to 0.
    assert_eq!(m(9).percent(5 * PERCENT).unwrap().minor(), 0);
    // Negative amounts (a refund) mirror positive ones.
    assert_eq!(m(-10).percent(5 * PERCENT).unwrap().minor(), -1);
    // 19 % of 1,999.99 EUR is 379.9981: 380.00.
    assert_eq!(m(199_999).percent(19 * PERCENT).unwrap().minor(), 38_000);
    // The exact product is formed first: no overflow at the largest amounts.
    assert_eq!(m(i64::MAX).percent(WHOLE).unwrap().minor(), i64::MAX);
}

#[test]
fn a_line_takes_its_discount_after_multiplying() {
    let line = Line {
        quantity: 3,
        unit_price: Money::from_minor(3_33, eur()),
        discount_bp: 10 * PERCENT,
    };
    // 3 × 3.33 = 9.99; 10 % of it is 0.999 → 1.00; 8.99 remains.
    assert_eq!(line.total().unwrap().minor(), 8_99);
    let free = Line {
        discount_bp: WHOLE,
        ..line
    };
    assert_eq!(free.total().unwrap().minor(), 0);
}

#[test]
fn tax_is_taken_once_on_the_subtotal() {
    let one_cent_lines = [Line {
        quantity: 1,
        unit_price: Money::from_minor(1, eur()),
        discount_bp: 0,
    }; 10];
    let t = totals(&one_cent_lines, 20 * PERCENT, eur()).unwrap();
    // Per line, 20 % of a cent would round to 0 ten times; on the 10-cent subtotal it is 2.
    assert_eq!(
        (t.subtotal.minor(), t.tax.minor(), t.total.minor()),
        (10, 2, 12)
    );
    let empty = totals(&[], 20 * PERCENT, eur()).unwrap();
    assert_eq!(empty.total.minor(), 0);
}

#[test]
fn overflow_and_mixed_currencies_are_refused() {
    let huge = Line {
        quantity: i64::MAX,
        unit_price: Money::from_minor(2, eur()),
        discount_bp: 0,
    };
    assert!(matches!(huge.total(), Err(DomainError::Conflict(_))));
    let max = Money::from_minor(i64::MAX, eur());
    assert!(matches!(
        max.checked_add(Money::from_minor(1, eur())),
        Err(DomainError::Conflict(_))
    ));
    let yen = Money::from_minor(1, Currency::parse("JPY", "c").unwrap());
    assert!(matches!(
        max.checked_add(yen),
        Err(DomainError::Conflict(_))
    ));
}

#[test]
fn amounts_display_grouped_with_the_currencys_decimals() {
    assert_eq!(
        Money::from_minor(123_456_789, eur()).display(),
        "1,234,567.89 EUR"
    );
    assert_eq!(Money::from_minor(5, eur()).display(), "0.05 EUR");
    assert_eq!(Money::from_minor(-1_050, eur()).display(), "-10.50 EUR");
    let yen = Currency::parse("JPY", "c").unwrap();
    assert_eq!(Money::from_minor(1_200, yen).display(), "1,200 JPY");
    let dinar = Currency::parse("KWD", "c").unwrap();
    assert_eq!(Money::from_minor(1_005, dinar).display(), "1.005 KWD");
}

#[test]
fn plain_amounts_have_no_grouping_or_code_and_parse_back() {
    let yen = Currency::parse("JPY", "c").unwrap();
    for (money, plain) in [
        (Money::from_minor(123_456_789, eur()), "1234567.89"),
        (Money::from_minor(5, eur()), "0.05"),
        (Money::from_minor(1_200, yen), "1200"),
    ] {
        assert_eq!(money.plain(), plain);
        assert_eq!(Money::parse(plain, money.currency(), "p").unwrap(), money);
    }
    assert_eq!(Money::from_minor(-1_050, eur()).plain(), "-10.50");
}

#[test]
fn what_is_displayed_parses_back_to_the_same_amount() {
    for minor in [0, 1, 99, 100, 12_345, 1_000_000, 99_999_999_999_999] {
        let shown = Money::from_minor(minor, eur()).display();
        let typed = shown.trim_end_matches(" EUR");
        assert_eq!(
            Money::parse(typed, eur(), "p").unwrap().minor(),
            minor,
            "{shown}"
        );
    }
}
