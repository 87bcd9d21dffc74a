//! Keeping `due_from` — the first day each consultation belongs on the weekly list
//! (`follow_up::due_from`) — up to date on a team logbook: for one consultation when a record
//! changes it, and for every consultation when version 5 adds the column. Both work a range of
//! consultations at a time with caselog's own rule: the consultations, their reviews and their
//! referrals read in three queries, and the values that changed written in one statement, so
//! that memory stays flat however large the logbook.
//!
//! The values are written through `caselog_keep_due_from` (made by `access`), which runs as the
//! tables' owner: a review or referral added to another advisor's consultation changes when that
//! consultation is due, and row-level security lets no one update another's consultation.

use std::collections::HashMap;

use chrono::NaiveDate;
use postgres::Transaction;

use super::records::{self, select_list};
use crate::domain::consultation::{self, Consultation};
use crate::domain::fields::Columns as _;
use crate::domain::follow_up;
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Review};
use crate::error::Result;

/// How many consultations have their `due_from` worked out at a time, when every one is.
const BATCH: i64 = 5000;

/// Works out the `due_from` of the consultations numbered after `after` up to `upto`, at most
/// `limit` of them in ID order, and writes those that changed. Gives the last ID read, none when
/// there was none.
fn refresh_range(tx: &mut Transaction, after: i64, upto: i64, limit: i64) -> Result<Option<i64>> {
    let mut consultations = Vec::new();
    records::each_record(
        tx,
        &format!(
            "SELECT {}, r.due_from FROM consultation r WHERE r.id > $1 AND r.id <= $2 \
             ORDER BY r.id LIMIT $3",
            select_list(consultation::FIELDS, "r")
        ),
        &[&after, &upto, &limit],
        |c: Consultation, row| {
            let stored: Option<NaiveDate> = row.get("due_from").map_err(records::damaged)?;
            consultations.push((c, stored));
            Ok(())
        },
    )?;
    let Some(last) = consultations.last().map(|(c, _)| c.id.0) else {
        return Ok(None);
    };
    // In the orders `Reader::reviews_of` and `Reader::referrals_from` give them.
    let mut reviews: HashMap<i64, Vec<Review>> = HashMap::new();
    for v in records::records::<Review>(
        tx,
        &format!(
            "SELECT {} FROM review r WHERE r.consultation_id > $1 AND r.consultation_id <= $2 \
             ORDER BY r.consultation_id, r.date, r.id",
            select_list(review::FIELDS, "r")
        ),
        &[&after, &last],
    )? {
        if let Some(c) = v.consultation {
            reviews.entry(c.0).or_default().push(v);
        }
    }
    let mut referrals: HashMap<i64, Vec<Referral>> = HashMap::new();
    for r in records::records::<Referral>(
        tx,
        &format!(
            "SELECT {} FROM referral r WHERE r.consultation_id > $1 AND r.consultation_id <= $2 \
             ORDER BY r.consultation_id, r.id",
            select_list(referral::FIELDS, "r")
        ),
        &[&after, &last],
    )? {
        referrals.entry(r.consultation.0).or_default().push(r);
    }
    let (mut ids, mut dues) = (Vec::new(), Vec::new());
    for (c, stored) in &consultations {
        let due = follow_up::due_from(
            c,
            reviews.get(&c.id.0).map_or(&[], Vec::as_slice),
            referrals.get(&c.id.0).map_or(&[], Vec::as_slice),
        );
        if due != *stored {
            ids.push(c.id.0);
            dues.push(due);
        }
    }
    if !ids.is_empty() {
        tx.execute(
            "SELECT caselog_keep_due_from($1::bigint[], $2::date[])",
            &[&ids, &dues],
        )?;
    }
    Ok(Some(last))
}

/// Brings one consultation's `due_from` up to date.
pub fn refresh(tx: &mut Transaction, id: i64) -> Result<()> {
    refresh_range(tx, id - 1, id, 1).map(drop)
}

/// Brings every consultation's `due_from` up to date, a batch of consultations at a time.
pub fn refresh_every(tx: &mut Transaction) -> Result<()> {
    let mut after = 0;
    while let Some(last) = refresh_range(tx, after, i64::MAX, BATCH)? {
        after = last;
    }
    Ok(())
}
