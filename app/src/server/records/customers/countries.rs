//! Countries as ISO 3166-1 alpha-2 codes (the `isocountry` table): what an address accepts, and
//! the name shown for a code the database holds.

use isocountry::CountryCode;

use crate::server::platform::error::DomainError;

/// The country's English name for an alpha-2 code the database holds.
pub(super) fn name(alpha2: &str) -> String {
    CountryCode::for_alpha2(alpha2)
        .map(|c| c.name().to_owned())
        .unwrap_or_else(|_| alpha2.to_owned())
}

/// An assigned alpha-2 code, in any case and with spaces around it, as the upper-case code.
pub(super) fn parse(raw: &str) -> Result<String, DomainError> {
    let code = raw.trim().to_ascii_uppercase();
    if code.len() != 2 || CountryCode::for_alpha2(&code).is_err() {
        return Err(DomainError::invalid(
            "country",
            "Choose a country (a two-letter ISO 3166 code such as GB or DE).",
        ));
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_code_is_named_and_an_unknown_one_shown_as_it_is() {
        assert_eq!(name("DE"), "Germany");
        assert_eq!(name("ZZ"), "ZZ");
    }
}
