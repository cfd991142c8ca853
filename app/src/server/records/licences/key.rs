//! Licence keys: 125 random bits in Crockford's base32 (no I, L, O or U, so a key read aloud or
//! typed from paper is not misread), in five groups of five.

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const GROUPS: usize = 5;
const GROUP_LEN: usize = 5;

/// A fresh key from the operating system's random source, "7K3QD-…".
pub fn generate() -> String {
    let groups: Vec<String> = (0..GROUPS)
        .map(|_| {
            (0..GROUP_LEN)
                .map(|_| char::from(ALPHABET[rand::random_range(0..ALPHABET.len())]))
                .collect()
        })
        .collect();
    groups.join("-")
}

/// The last group behind bullets: enough to tell two licences apart on the phone, not to use
/// one.
pub fn mask(key: &str) -> String {
    let tail = key.rsplit('-').next().unwrap_or_default();
    let hidden = ["•••••"; GROUPS - 1].join("-");
    format!("{hidden}-{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_five_groups_of_unambiguous_characters_and_differ() {
        let a = generate();
        assert_eq!(a.len(), GROUPS * GROUP_LEN + GROUPS - 1);
        for group in a.split('-') {
            assert_eq!(group.len(), GROUP_LEN);
            assert!(group.bytes().all(|b| ALPHABET.contains(&b)), "{a}");
            assert!(!group.contains(['I', 'L', 'O', 'U']), "{a}");
        }
        let many: std::collections::HashSet<String> = (0..1000).map(|_| generate()).collect();
        assert_eq!(many.len(), 1000);
    }

    #[test]
    fn a_masked_key_shows_only_its_last_group() {
        assert_eq!(
            mask("7K3QD-AB12C-9ZZZZ-00000-XY7WV"),
            "•••••-•••••-•••••-•••••-XY7WV"
        );
        let key = generate();
        let masked = mask(&key);
        for group in key.split('-').take(GROUPS - 1) {
            assert!(!masked.contains(group), "{masked} shows {group}");
        }
    }
}
