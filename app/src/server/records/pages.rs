//! Lists of records: page sizes, literal-wildcard search, and cutting a keyset page (the
//! clauses of a whole list request are [`super::listing::Listing`]'s).

use super::kind::RecordKind;
use super::sql::Sql;

pub const PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;

/// The page size to use for a request that asked for `requested`.
pub fn page_size(requested: Option<u32>) -> u32 {
    requested.unwrap_or(PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
}

/// A `LIKE` pattern that finds `search` as typed: `%`, `_` and `\` match only themselves.
pub fn like_pattern(search: &str) -> String {
    let escaped: String = search
        .trim()
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// ` AND (…)`: any of the kind's search expressions contains `search` (nothing for an empty
/// search).
pub fn search_clause(sql: &mut Sql, kind: &RecordKind, search: &str) {
    if search.trim().is_empty() {
        return;
    }
    let pattern = like_pattern(search);
    sql.push(" AND (");
    for (i, expression) in kind.search.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        sql.push(&format!("{expression} LIKE "))
            .arg(pattern.clone())
            .push(" ESCAPE '\\'");
    }
    sql.push(")");
}

/// Cuts the extra row a page query asked for; the cursor of the next page, if any.
pub fn cut<T>(items: &mut Vec<T>, limit: u32, id: impl Fn(&T) -> String) -> Option<String> {
    if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(id)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" Ada "), "%ada%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn a_page_is_cut_to_its_size_and_names_the_next() {
        let mut rows = vec![1, 2, 3];
        assert_eq!(cut(&mut rows, 2, |n| n.to_string()), Some("2".into()));
        assert_eq!(rows, [1, 2]);
        let mut last = vec![1];
        assert_eq!(cut(&mut last, 2, |n| n.to_string()), None);
        assert_eq!(page_size(None), PAGE_SIZE);
        assert_eq!(page_size(Some(0)), 1);
        assert_eq!(page_size(Some(10_000)), MAX_PAGE_SIZE);
    }
}
