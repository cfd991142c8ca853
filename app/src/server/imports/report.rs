//! The report of a run: each refused row — its number as a spreadsheet shows it, the field and the reason — as
//! CSV, cells neutralised like every file Gatehouse writes.

use crate::model::ImportProblem;
use crate::server::exports::cells::{neutralise, UTF8_BOM};
use crate::server::platform::error::DomainError;

pub fn csv(problems: &[ImportProblem]) -> Result<Vec<u8>, DomainError> {
    let mut out = UTF8_BOM.to_vec();
    let mut writer = csv::Writer::from_writer(&mut out);
    let broken = |e: csv::Error| DomainError::Internal(format!("report csv: {e}"));
    writer
        .write_record(["Row", "Field", "Reason"])
        .map_err(broken)?;
    for p in problems {
        let line = p.line.to_string();
        writer
            .write_record([
                line.as_str(),
                neutralise(&p.field).as_ref(),
                neutralise(&p.message).as_ref(),
            ])
            .map_err(broken)?;
    }
    writer
        .flush()
        .map_err(|e| DomainError::Internal(format!("report csv: {e}")))?;
    drop(writer);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_each_refused_row_and_neutralises_its_cells() {
        let problems = [
            ImportProblem {
                line: 4,
                field: "email".into(),
                message: "Enter a valid email address.".into(),
            },
            ImportProblem {
                line: 9,
                field: "=cmd".into(),
                message: "Repeats the email of row 4.".into(),
            },
        ];
        let text = String::from_utf8(csv(&problems).unwrap()).unwrap();
        assert_eq!(
            text,
            "\u{feff}Row,Field,Reason\n4,email,Enter a valid email address.\n\
             9,'=cmd,Repeats the email of row 4.\n"
        );
    }
}
