//! The rounding rules as properties, checked over many generated amounts (`proptest`).

use proptest::prelude::*;

use super::*;

fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![Just("EUR"), Just("JPY"), Just("KWD")]
        .prop_map(|code| Currency::parse(code, "currency").unwrap())
}

/// Amounts up to the largest a person may type (twelve integer digits, three decimals).
fn minor() -> impl Strategy<Value = i64> {
    0_i64..1_000_000_000_000_000
}

/// Any amount a person may type in some currency: up to twelve integer digits and the
/// currency's decimals.
fn typable() -> impl Strategy<Value = (Currency, i64)> {
    currency().prop_flat_map(|c| {
        let scale = c.scale();
        (Just(c), 0_i64..1_000_000_000_000, 0..scale)
            .prop_map(move |(c, whole, fraction)| (c, whole * scale + fraction))
    })
}

proptest! {
    #[test]
    fn a_percentage_shown_reads_back_as_itself(bp in 0_i64..=WHOLE) {
        prop_assert_eq!(parse_percent(&display_percent(bp), "p").unwrap(), bp);
    }

    #[test]
    fn what_is_shown_is_what_is_typed((currency, minor) in typable()) {
        let shown = Money::from_minor(minor, currency).display();
        let typed = shown.trim_end_matches(currency.code()).trim();
        prop_assert_eq!(Money::parse(typed, currency, "p").unwrap().minor(), minor);
    }

    #[test]
    fn a_percentage_is_within_half_a_minor_unit_of_exact(
        minor in -1_000_000_000_000_i64..1_000_000_000_000,
        bp in 0_i64..=WHOLE,
        currency in currency(),
    ) {
        let taken = Money::from_minor(minor, currency).percent(bp).unwrap().minor();
        let exact = i128::from(minor) * i128::from(bp);
        let error = (i128::from(taken) * i128::from(WHOLE) - exact).abs();
        prop_assert!(2 * error <= i128::from(WHOLE), "{minor} × {bp} bp gave {taken}");
    }

    #[test]
    fn rounding_is_symmetric(minor in minor(), bp in 0_i64..=WHOLE, currency in currency()) {
        let up = Money::from_minor(minor, currency).percent(bp).unwrap().minor();
        let down = Money::from_minor(-minor, currency).percent(bp).unwrap().minor();
        prop_assert_eq!(up, -down);
    }

    #[test]
    fn a_discounted_line_stays_between_zero_and_its_gross(
        quantity in 0_i64..10_000,
        price in 0_i64..100_000_000,
        discount_bp in 0_i64..=WHOLE,
        currency in currency(),
    ) {
        let line = Line { quantity, unit_price: Money::from_minor(price, currency), discount_bp };
        let total = line.total().unwrap().minor();
        prop_assert!((0..=quantity * price).contains(&total));
        if discount_bp == 0 {
            prop_assert_eq!(total, quantity * price);
        }
    }

    #[test]
    fn a_documents_total_is_its_subtotal_plus_tax(
        lines in prop::collection::vec((1_i64..100, 0_i64..10_000_000, 0_i64..=WHOLE), 0..20),
        tax_bp in 0_i64..=WHOLE,
    ) {
        let eur = Currency::parse("EUR", "c").unwrap();
        let lines: Vec<Line> = lines
            .into_iter()
            .map(|(quantity, price, discount_bp)| Line {
                quantity,
                unit_price: Money::from_minor(price, eur),
                discount_bp,
            })
            .collect();
        let t = totals(&lines, tax_bp, eur).unwrap();
        let sum: i64 = lines.iter().map(|l| l.total().unwrap().minor()).sum();
        prop_assert_eq!(t.subtotal.minor(), sum);
        prop_assert_eq!(t.total.minor(), t.subtotal.minor() + t.tax.minor());
        prop_assert_eq!(t.tax, t.subtotal.percent(tax_bp).unwrap());
    }
}
