//! Which bytes a download sends: the whole file, or the one range a `Range` header asks for
//! (RFC 9110 §14). Several ranges in one request are answered with the whole file, which the
//! RFC allows; a range past the end is unsatisfiable (416).

use std::ops::Range;

#[derive(Debug, PartialEq, Eq)]
pub enum Wanted {
    Whole,
    Part(Range<u64>),
    Unsatisfiable,
}

pub fn wanted(header: Option<&str>, len: u64) -> Wanted {
    let Some(header) = header else {
        return Wanted::Whole;
    };
    let Ok(parsed) = http_range_header::parse_range_header(header) else {
        // A header we cannot read is ignored, as for a server without range support.
        return Wanted::Whole;
    };
    match parsed.validate(len) {
        Ok(ranges) if ranges.len() == 1 => {
            let r = &ranges[0];
            Wanted::Part(*r.start()..r.end() + 1)
        }
        Ok(_) => Wanted::Whole,
        Err(_) => Wanted::Unsatisfiable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_range_is_served_others_are_not() {
        assert_eq!(wanted(None, 10), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=0-3"), 10), Wanted::Part(0..4));
        assert_eq!(wanted(Some("bytes=-2"), 10), Wanted::Part(8..10));
        assert_eq!(wanted(Some("bytes=7-"), 10), Wanted::Part(7..10));
        assert_eq!(wanted(Some("bytes=0-1,4-5"), 10), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=20-30"), 10), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("pages=1"), 10), Wanted::Whole);
    }
}
