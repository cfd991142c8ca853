//! Money: whole minor units (cents, yen, fils) in an `i64` with an ISO 4217 currency — never a
//! float. Prices, discounts, tax and totals of products, quotes, orders and payments all go
//! through here, so the rounding rules are written once:
//!
//! 1. **Typed amounts are exact.** "12.34" EUR is 1,234 cents; "12.345" EUR is refused on its
//!    field, never rounded; so is a sign, an exponent, or more than twelve integer digits.
//!    Thousands separators (`,`, `_`, space) are allowed between digit groups and ignored.
//! 2. **Percentages are basis points.** "12.5" % is 1,250 bp; at most two decimals, 0–100 %.
//! 3. **One rounding, half away from zero, to the minor unit**, wherever a percentage is taken
//!    (a line's discount, a document's tax): 0.5 cent becomes 1 cent, −0.5 becomes −1. The
//!    exact product is formed in `i128` first, so nothing is rounded twice.
//! 4. **A line's total** is quantity × unit price less its discount (rule 3). **Tax is taken once,
//!    on the subtotal** of the discounted lines (rule 3), not per line — so a document's tax is
//!    the rate applied to what the customer pays, whatever the number of lines.
//! 5. **Nothing overflows silently**: every sum and product is checked; a total past
//!    `i64::MAX` minor units is refused like bad input.
//! 6. **One currency per document**: adding money of two currencies is refused.

use crate::server::platform::error::DomainError;

/// The most integer digits a typed amount may have: 999,999,999,999.99 fits an `i64` in every
/// currency's minor units with room for sums.
const MAX_INTEGER_DIGITS: usize = 12;

/// One whole percent in basis points.
pub const PERCENT: i64 = 100;
/// A hundred percent in basis points.
pub const WHOLE: i64 = 100 * PERCENT;

/// An ISO 4217 currency that has minor units (funds, precious metals and the like are not money a
/// CRM invoices in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Currency {
    iso: iso_currency::Currency,
    exponent: u32,
}

impl Currency {
    /// The currency with the three-letter `code` (any case), or an error on `field`.
    pub fn parse(code: &str, field: &'static str) -> Result<Self, DomainError> {
        let refused = || DomainError::invalid(field, "Choose a currency by its ISO 4217 code.");
        let iso = iso_currency::Currency::from_code(&code.trim().to_ascii_uppercase())
            .ok_or_else(refused)?;
        if iso.is_fund() || iso.is_special() {
            return Err(refused());
        }
        let exponent = iso.exponent().ok_or_else(refused)?;
        Ok(Self {
            iso,
            exponent: u32::from(exponent),
        })
    }

    pub fn code(&self) -> &'static str {
        self.iso.code()
    }

    /// Decimal places of the minor unit: 2 for EUR, 0 for JPY, 3 for KWD.
    pub fn exponent(&self) -> u32 {
        self.exponent
    }

    fn scale(&self) -> i64 {
        10_i64.pow(self.exponent)
    }
}

/// An amount of one currency, in its minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money {
    minor: i64,
    currency: Currency,
}

impl Money {
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::from_minor(0, currency)
    }

    /// A non-negative amount as a person types it (rule 1); errors name `field`.
    pub fn parse(
        input: &str,
        currency: Currency,
        field: &'static str,
    ) -> Result<Self, DomainError> {
        let decimals = currency.exponent() as usize;
        let message = if decimals == 0 {
            format!("Enter an amount in whole {}, like 1200.", currency.code())
        } else {
            format!(
                "Enter an amount with at most {decimals} decimal{}, like 1200.{}.",
                if decimals == 1 { "" } else { "s" },
                "5".repeat(decimals)
            )
        };
        let digits = exact_decimal(input, decimals, MAX_INTEGER_DIGITS)
            .ok_or_else(|| DomainError::invalid(field, message))?;
        Ok(Self::from_minor(digits, currency))
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The sum, refused across currencies (rule 6) or past `i64` (rule 5).
    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        if self.currency != other.currency {
            return Err(DomainError::Conflict(format!(
                "Amounts in {} and {} can't be added.",
                self.currency.code(),
                other.currency.code()
            )));
        }
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money::from_minor(minor, self.currency))
            .ok_or_else(too_large)
    }

    /// `basis_points` of this amount, rounded half away from zero (rule 3).
    pub fn percent(self, basis_points: i64) -> Result<Money, DomainError> {
        let exact = i128::from(self.minor) * i128::from(basis_points);
        let minor = i64::try_from(div_round_half_away(exact, i128::from(WHOLE)))
            .map_err(|_| too_large())?;
        Ok(Money::from_minor(minor, self.currency))
    }

    /// The amount for people: grouped thousands and the currency's decimals, then its code
    /// ("1,234.50 EUR", "1,200 JPY").
    pub fn display(&self) -> String {
        format!("{} {}", self.digits(group_thousands), self.currency.code())
    }

    /// The amount for a spreadsheet or an import: the currency's decimals, nothing else
    /// ("1234.50", "1200"); [`Money::parse`] reads it back.
    pub fn plain(&self) -> String {
        self.digits(|whole| whole.to_string())
    }

    fn digits(&self, whole_part: impl Fn(i64) -> String) -> String {
        let scale = self.currency.scale();
        let (whole, fraction) = (self.minor.abs() / scale, self.minor.abs() % scale);
        let sign = if self.minor < 0 { "-" } else { "" };
        let whole = whole_part(whole);
        match self.currency.exponent() as usize {
            0 => format!("{sign}{whole}"),
            width => format!("{sign}{whole}.{fraction:0width$}"),
        }
    }
}

/// A percentage as a person types it ("12.5", "20 %"), in basis points (rule 2).
pub fn parse_percent(input: &str, field: &'static str) -> Result<i64, DomainError> {
    let trimmed = input.trim().trim_end_matches('%');
    exact_decimal(trimmed, 2, 3)
        .filter(|bp| *bp <= WHOLE)
        .ok_or_else(|| DomainError::invalid(field, "Enter a percentage from 0 to 100, like 12.5."))
}

/// Basis points for people: "12.5 %", "20 %" (rule 2 read back).
pub fn display_percent(basis_points: i64) -> String {
    let (whole, hundredths) = (basis_points / 100, basis_points % 100);
    match hundredths {
        0 => format!("{whole} %"),
        h if h % 10 == 0 => format!("{whole}.{} %", h / 10),
        h => format!("{whole}.{h:02} %"),
    }
}

/// One line of a quote or order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Line {
    pub quantity: i64,
    pub unit_price: Money,
    /// Discount in basis points, 0–10,000.
    pub discount_bp: i64,
}

impl Line {
    /// Quantity × unit price, less the discount (rule 4).
    pub fn total(&self) -> Result<Money, DomainError> {
        let gross = self
            .unit_price
            .minor()
            .checked_mul(self.quantity)
            .map(|minor| Money::from_minor(minor, self.unit_price.currency()))
            .ok_or_else(too_large)?;
        let discount = gross.percent(self.discount_bp)?;
        Ok(Money::from_minor(
            gross.minor() - discount.minor(),
            gross.currency(),
        ))
    }
}

/// A document's sums.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Totals {
    pub subtotal: Money,
    pub tax: Money,
    pub total: Money,
}

/// The subtotal of `lines`, the tax at `tax_bp` taken once on it, and the total (rule 4). An
/// empty document totals zero in `currency`.
pub fn totals(lines: &[Line], tax_bp: i64, currency: Currency) -> Result<Totals, DomainError> {
    let mut subtotal = Money::zero(currency);
    for line in lines {
        subtotal = subtotal.checked_add(line.total()?)?;
    }
    let tax = subtotal.percent(tax_bp)?;
    Ok(Totals {
        subtotal,
        tax,
        total: subtotal.checked_add(tax)?,
    })
}

fn too_large() -> DomainError {
    DomainError::Conflict("That amount is too large.".into())
}

/// `n / d` rounded half away from zero; `d` is positive.
fn div_round_half_away(n: i128, d: i128) -> i128 {
    let (q, r) = (n / d, n % d);
    if 2 * r.abs() >= d {
        q + n.signum()
    } else {
        q
    }
}

/// A non-negative decimal with at most `decimals` places and `max_integer_digits` integer digits,
/// as a whole number of its smallest unit; `None` for anything else.
fn exact_decimal(input: &str, decimals: usize, max_integer_digits: usize) -> Option<i64> {
    let input = input.trim();
    let (whole, fraction) = match input.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (input, None),
    };
    let whole = ungroup(whole)?;
    let fraction = fraction.unwrap_or("");
    let well_formed = !whole.is_empty()
        && whole.len() <= max_integer_digits
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() <= decimals
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(input.contains('.') && fraction.is_empty());
    if !well_formed {
        return None;
    }
    let padded = format!("{whole}{fraction:0<decimals$}");
    padded.parse().ok()
}

/// The integer part without its thousands separators, which must sit between groups of three.
fn ungroup(whole: &str) -> Option<String> {
    let groups: Vec<&str> = whole.split([',', '_', ' ']).collect();
    let grouped_well = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    grouped_well.then(|| groups.concat())
}

fn group_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
