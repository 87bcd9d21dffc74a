//! Keeping `due_from` — the first day each consultation belongs on the weekly list
//! (`follow_up::due_from`) — up to date for a whole logbook in one pass: when the column is
//! first added, and after a bulk load of referrals or reviews. Consultations, their reviews and
//! their referrals are read side by side in consultation order, so memory stays flat.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::records::{self, ByConsultation, select_list};
use crate::domain::consultation::{self, Consultation};
use crate::domain::follow_up;
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Review};
use crate::error::Result;

/// Works out every consultation's `due_from` and writes those that changed.
pub fn refresh_every(conn: &Connection) -> Result<()> {
    let mut reviews_stmt = conn.prepare(&format!(
        "SELECT {} FROM review r WHERE r.consultation_id IS NOT NULL ORDER BY r.consultation_id",
        select_list(review::FIELDS, "r")
    ))?;
    let mut reviews = ByConsultation::new(&mut reviews_stmt, [], |v: &Review| v.consultation)?;
    let mut referrals_stmt = conn.prepare(&format!(
        "SELECT {} FROM referral r ORDER BY r.consultation_id",
        select_list(referral::FIELDS, "r")
    ))?;
    let mut referrals =
        ByConsultation::new(&mut referrals_stmt, [], |r: &Referral| Some(r.consultation))?;
    let mut consultations = conn.prepare(&format!(
        "SELECT {}, r.due_from FROM consultation r ORDER BY r.id",
        select_list(consultation::FIELDS, "r")
    ))?;
    // Only the row just read is written: SQLite allows that while the table is read.
    let mut write = conn.prepare("UPDATE consultation SET due_from = ?2 WHERE id = ?1")?;
    let (mut own_reviews, mut own_referrals) = (Vec::new(), Vec::new());
    records::each_record(&mut consultations, [], |c: Consultation, row| {
        reviews.take(c.id, &mut own_reviews)?;
        referrals.take(c.id, &mut own_referrals)?;
        let due = follow_up::due_from(&c, &own_reviews, &own_referrals);
        let stored: Option<NaiveDate> = row.row.get("due_from")?;
        if stored != due {
            write.execute(rusqlite::params![c.id.0, due])?;
        }
        Ok(())
    })
}
