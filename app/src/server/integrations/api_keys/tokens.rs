//! The shape of a secret API key and how it is kept: `sk_`, the key's id (16 characters), its
//! secret (32), and a CRC-32 of all that (6), every character from `[0-9A-Za-z]`. A public key
//! is `pk_`, its id and the checksum: nothing secret, so it is kept as written. The prefix
//! and the checksum let secret scanners recognise a leaked key offline; the database keeps
//! only an HMAC-SHA-256 of the whole key under the installation's secret, so a copy of the
//! table hands out no key, and a guess cannot be checked against it without that secret.

use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

use crate::model::ApiKeyId;
use crate::server::platform::digest::hex;

pub const PREFIX: &str = "sk_";
/// A public key's prefix: `pk_`, its id and a checksum, nothing secret.
pub const PUBLIC_PREFIX: &str = "pk_";
const SECRET_LEN: usize = 32;
const CHECKSUM_LEN: usize = 6;
/// Characters of a whole key.
pub const LEN: usize = PREFIX.len() + ApiKeyId::LEN + SECRET_LEN + CHECKSUM_LEN;
/// Characters of a whole public key.
pub const PUBLIC_LEN: usize = PUBLIC_PREFIX.len() + ApiKeyId::LEN + CHECKSUM_LEN;

const ALPHABET: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A key as presented: well-formed, checksum right. Whether it exists is for the database.
#[derive(Debug)]
pub struct Presented<'a> {
    pub id: ApiKeyId,
    pub whole: &'a str,
}

fn random(n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// A fresh key: its id, and the whole key to show once.
pub fn mint() -> (ApiKeyId, String) {
    let id = random(ApiKeyId::LEN);
    let body = format!("{PREFIX}{id}{}", random(SECRET_LEN));
    let whole = format!("{body}{}", checksum(&body));
    (ApiKeyId::from_db(id), whole)
}

/// A fresh public key: its id, and the whole key.
pub fn mint_public() -> (ApiKeyId, String) {
    let id = random(ApiKeyId::LEN);
    (ApiKeyId::from_db(id.clone()), public_key(&id))
}

/// The whole public key of `id`.
pub fn public_key(id: &str) -> String {
    let body = format!("{PUBLIC_PREFIX}{id}");
    format!("{body}{}", checksum(&body))
}

/// Reads a presented public key: its id, or `None` for anything that is not one of ours.
pub fn parse_public(raw: &str) -> Option<ApiKeyId> {
    well_formed(raw, PUBLIC_PREFIX, PUBLIC_LEN)?;
    Some(ApiKeyId::from_db(
        raw[PUBLIC_PREFIX.len()..PUBLIC_PREFIX.len() + ApiKeyId::LEN].to_owned(),
    ))
}

/// `raw` is `prefix`, base-62 characters and their checksum, `len` in all.
fn well_formed(raw: &str, prefix: &str, len: usize) -> Option<()> {
    if raw.len() != len || !raw.starts_with(prefix) {
        return None;
    }
    if !raw[prefix.len()..]
        .bytes()
        .all(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    let (body, sum) = raw.split_at(len - CHECKSUM_LEN);
    (checksum(body) == sum).then_some(())
}

/// Reads a presented key; `None` for anything that is not one of ours (wrong prefix, length,
/// characters or checksum), which is answered like an unknown key.
pub fn parse(raw: &str) -> Option<Presented<'_>> {
    well_formed(raw, PREFIX, LEN)?;
    Some(Presented {
        id: ApiKeyId::from_db(raw[PREFIX.len()..PREFIX.len() + ApiKeyId::LEN].to_owned()),
        whole: raw,
    })
}

/// The CRC-32 of `body` in six base-62 digits (62^6 > 2^32), most significant first.
fn checksum(body: &str) -> String {
    let mut n = crc32fast::hash(body.as_bytes());
    let mut digits = [b'0'; CHECKSUM_LEN];
    for d in digits.iter_mut().rev() {
        *d = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&digits).into_owned()
}

fn mac(pepper: &[u8; 32], whole: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(pepper).expect("HMAC takes a key of any size");
    mac.update(whole.as_bytes());
    mac
}

/// What the database keeps of a key.
pub fn stored_hash(pepper: &[u8; 32], whole: &str) -> String {
    hex(&mac(pepper, whole).finalize().into_bytes())
}

/// Whether `whole` is the key behind `stored` (hex), compared in constant time.
pub fn matches(pepper: &[u8; 32], whole: &str, stored: &str) -> bool {
    let Some(expected) = unhex(stored) else {
        return false;
    };
    mac(pepper, whole).verify_slice(&expected).is_ok()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_key_reads_back_with_its_id() {
        let (id, whole) = mint();
        assert_eq!(whole.len(), LEN);
        assert!(whole.starts_with("sk_"));
        let presented = parse(&whole).expect("our own key parses");
        assert_eq!(presented.id, id);
    }

    #[test]
    fn any_changed_character_breaks_the_checksum() {
        let (_, whole) = mint();
        for i in PREFIX.len()..LEN {
            let mut bytes = whole.clone().into_bytes();
            bytes[i] = if bytes[i] == b'a' { b'b' } else { b'a' };
            let changed = String::from_utf8(bytes).unwrap();
            assert!(parse(&changed).is_none(), "position {i}: {changed}");
        }
        assert!(parse(&whole[..LEN - 1]).is_none());
        assert!(parse(&format!("{whole}0")).is_none());
        assert!(parse(&whole.replacen("sk_", "pk_", 1)).is_none());
        assert!(parse("").is_none());
    }

    #[test]
    fn a_public_key_reads_back_and_is_never_a_secret_key() {
        let (id, whole) = mint_public();
        assert_eq!(whole.len(), PUBLIC_LEN);
        assert!(whole.starts_with("pk_"));
        assert_eq!(parse_public(&whole), Some(id.clone()));
        assert_eq!(public_key(id.as_str()), whole);
        assert!(parse(&whole).is_none(), "a public key is no secret key");
        let (_, secret) = mint();
        assert!(parse_public(&secret).is_none(), "nor the other way round");
        let mut bytes = whole.clone().into_bytes();
        bytes[5] = if bytes[5] == b'a' { b'b' } else { b'a' };
        assert!(parse_public(&String::from_utf8(bytes).unwrap()).is_none());
    }

    #[test]
    fn the_checksum_is_crc32_in_base62() {
        // CRC-32 (IEEE) of "123456789" is the catalogue's check value 0xCBF43926 = 3421780262,
        // which is 3 45 35 27 22 14 in base 62.
        assert_eq!(crc32fast::hash(b"123456789"), 0xCBF4_3926);
        assert_eq!(checksum("123456789"), "3jZRME");
    }

    #[test]
    fn the_stored_hash_is_keyed_and_checked_in_constant_time() {
        let pepper = [7u8; 32];
        let (_, whole) = mint();
        let stored = stored_hash(&pepper, &whole);
        assert_eq!(stored.len(), 64);
        assert!(matches(&pepper, &whole, &stored));
        assert!(
            !matches(&[8u8; 32], &whole, &stored),
            "another installation's secret"
        );
        let (_, other) = mint();
        assert!(!matches(&pepper, &other, &stored));
        assert!(!matches(&pepper, &whole, "not hex"));
        // RFC 4231, test case 2: the HMAC-SHA-256 this module relies on.
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
