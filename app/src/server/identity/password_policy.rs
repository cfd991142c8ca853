//! A workspace's password rules, and the check every path that sets a password runs.

use crate::server::platform::error::DomainError;

/// Long enough for any passphrase or manager-generated password; short enough that nobody
/// can make the server hash megabytes. Passwords are never truncated.
pub const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: u16,
    pub require_lowercase: bool,
    pub require_uppercase: bool,
    pub require_digit: bool,
    pub require_symbol: bool,
    /// zxcvbn score a password must reach, 0 (anything) to 4 (very hard to guess).
    pub min_strength: u8,
    /// How many previous passwords may not be reused.
    pub history: u8,
    /// Days a password stays valid; `None` means it does not expire.
    pub expiry_days: Option<u16>,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 12,
            require_lowercase: false,
            require_uppercase: false,
            require_digit: false,
            require_symbol: false,
            min_strength: 3,
            history: 5,
            expiry_days: None,
        }
    }
}

/// Whether a character class is required, how to spot it, and how the message names it.
type ClassRule = (bool, fn(char) -> bool, &'static str);

impl PasswordPolicy {
    /// A policy at least as strict as both: the longer minimum, every required class, the
    /// higher strength and history, the sooner expiry.
    pub fn stricter(&self, other: &Self) -> Self {
        Self {
            min_length: self.min_length.max(other.min_length),
            require_lowercase: self.require_lowercase || other.require_lowercase,
            require_uppercase: self.require_uppercase || other.require_uppercase,
            require_digit: self.require_digit || other.require_digit,
            require_symbol: self.require_symbol || other.require_symbol,
            min_strength: self.min_strength.max(other.min_strength),
            history: self.history.max(other.history),
            expiry_days: match (self.expiry_days, other.expiry_days) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    /// Checks the rules that need only the password itself. `personal` holds words a guesser
    /// would try first (the person's name, email, workspace), which lower the strength score.
    /// Reuse of earlier passwords is checked separately, against their hashes.
    ///
    /// `field` names the form field the password came from (`password`, `new_password`).
    pub fn check(
        &self,
        field: &'static str,
        password: &str,
        personal: &[&str],
    ) -> Result<(), DomainError> {
        let refuse = |message: String| DomainError::invalid(field, message);
        let chars = password.chars().count();
        if chars < usize::from(self.min_length) {
            return Err(refuse(format!(
                "Use at least {} characters.",
                self.min_length
            )));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(refuse(format!(
                "Use at most {MAX_PASSWORD_CHARS} characters."
            )));
        }
        if password.chars().any(char::is_control) {
            return Err(refuse(
                "The password can't contain control characters.".into(),
            ));
        }
        let classes: [ClassRule; 4] = [
            (
                self.require_lowercase,
                char::is_lowercase,
                "a lower-case letter",
            ),
            (
                self.require_uppercase,
                char::is_uppercase,
                "an upper-case letter",
            ),
            (self.require_digit, |c: char| c.is_ascii_digit(), "a digit"),
            (
                self.require_symbol,
                |c: char| !c.is_alphanumeric() && !c.is_whitespace(),
                "a symbol",
            ),
        ];
        for (required, present, what) in classes {
            if required && !password.chars().any(present) {
                return Err(refuse(format!("Include at least {what}.")));
            }
        }
        let words = personal_words(personal);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let estimate = zxcvbn::zxcvbn(password, &words);
        if u8::from(estimate.score()) < self.min_strength {
            let hint = estimate
                .feedback()
                .and_then(|f| {
                    f.warning()
                        .map(|w| w.to_string())
                        .or_else(|| f.suggestions().first().map(ToString::to_string))
                })
                .unwrap_or_else(|| "Add more words or characters.".into());
            return Err(refuse(format!(
                "This password is too easy to guess. {hint}"
            )));
        }
        Ok(())
    }
}

/// zxcvbn matches personal inputs as whole dictionary words, so "Ada Lovelace" alone would not
/// catch `adalovelace1`. Offer each input, its parts, and its parts run together.
fn personal_words(inputs: &[&str]) -> Vec<String> {
    let mut words = Vec::new();
    for input in inputs {
        let parts: Vec<String> = input
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| p.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect();
        words.push(input.to_lowercase());
        words.push(parts.concat());
        words.extend(parts);
    }
    words.sort();
    words.dedup();
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stricter_of_two_policies_takes_the_tighter_side_of_each_rule() {
        let a = PasswordPolicy {
            min_length: 16,
            require_digit: true,
            expiry_days: Some(90),
            history: 2,
            ..PasswordPolicy::default()
        };
        let b = PasswordPolicy {
            min_length: 12,
            require_symbol: true,
            min_strength: 4,
            expiry_days: Some(30),
            ..PasswordPolicy::default()
        };
        let s = a.stricter(&b);
        assert_eq!(s.min_length, 16);
        assert!(s.require_digit && s.require_symbol && !s.require_uppercase);
        assert_eq!((s.min_strength, s.history, s.expiry_days), (4, 5, Some(30)));
        assert_eq!(
            PasswordPolicy::default().stricter(&a).expiry_days,
            Some(90),
            "no expiry is the looser side"
        );
    }

    fn message(policy: &PasswordPolicy, pw: &str) -> String {
        match policy.check("password", pw, &["Ada Lovelace", "ada@example.com"]) {
            Ok(()) => "ok".into(),
            Err(DomainError::Invalid {
                field: "password",
                message,
            }) => message,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn default_accepts_a_passphrase_and_refuses_short_or_common_ones() {
        let p = PasswordPolicy::default();
        assert_eq!(message(&p, "quiet lantern orbit mango"), "ok");
        assert_eq!(message(&p, "short"), "Use at least 12 characters.");
        assert!(message(&p, "password1234").starts_with("This password is too easy to guess."));
        assert!(message(&p, "aaaaaaaaaaaaaaaa").starts_with("This password is too easy to guess."));
        // Personal words count against strength.
        assert!(message(&p, "adalovelace1").starts_with("This password is too easy to guess."));
    }

    #[test]
    fn long_and_unicode_passwords_are_accepted_up_to_the_limit() {
        let p = PasswordPolicy::default();
        let long: String = "correct horse battery staple "
            .repeat(9)
            .chars()
            .take(256)
            .collect();
        assert_eq!(long.chars().count(), 256);
        assert_eq!(message(&p, &long), "ok");
        assert_eq!(
            message(&p, &format!("{long}x")),
            "Use at most 256 characters."
        );
        assert_eq!(message(&p, "Ωμέγα-ψυχή-λύκος-ἄστρον"), "ok");
        assert_eq!(
            message(&p, "quiet lantern\norbit mango"),
            "The password can't contain control characters."
        );
    }

    #[test]
    fn each_character_class_rule_names_itself() {
        let mut p = PasswordPolicy {
            min_strength: 0,
            ..PasswordPolicy::default()
        };
        p.require_uppercase = true;
        assert_eq!(
            message(&p, "quiet lantern orbit"),
            "Include at least an upper-case letter."
        );
        p.require_digit = true;
        assert_eq!(
            message(&p, "Quiet lantern orbit"),
            "Include at least a digit."
        );
        p.require_symbol = true;
        assert_eq!(
            message(&p, "Quiet lantern orbit 9"),
            "Include at least a symbol."
        );
        p.require_lowercase = true;
        assert_eq!(
            message(&p, "QUIET LANTERN ORBIT 9!"),
            "Include at least a lower-case letter."
        );
        assert_eq!(message(&p, "Quiet lantern orbit 9!"), "ok");
    }

    #[test]
    fn personal_inputs_are_offered_as_words_and_run_together() {
        let words = personal_words(&["Ada Lovelace", "ada.l@example.com"]);
        for w in ["ada", "lovelace", "adalovelace", "example", "adaexamplecom"] {
            assert!(words.iter().any(|x| x == w), "missing {w} in {words:?}");
        }
    }

    #[test]
    fn min_length_counts_characters_not_bytes() {
        let p = PasswordPolicy {
            min_strength: 0,
            ..PasswordPolicy::default()
        };
        // 11 characters, 22 bytes.
        assert_eq!(message(&p, "ééééééééééé"), "Use at least 12 characters.");
    }
}
