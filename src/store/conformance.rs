//! The storage conformance suite: what every engine must do, checked through the `Storage`
//! traits alone, so that the same checks run against SQLite and any engine added later. Each
//! check is given a fresh, empty logbook and panics with a message saying what it found.
//! `CHECKS` lists them; an engine's tests run them all (see the tests at the end for SQLite).

use chrono::NaiveDate;

use super::{Exported, Filter, Reader, Storage, Writer};
use crate::domain::audit::{self, Audit};
use crate::domain::checklist::Checklist;
use crate::domain::codes::{Consent, Outcome, ReferralResult, ReviewStatus};
use crate::domain::consultation::{self, Consultation, Rules};
use crate::domain::family::{FamilyKey, FamilyRule};
use crate::domain::ids::{AuditId, ConsultationId, RecordId, RecordKind, ReferralId, ReviewId};
use crate::domain::period::Period;
use crate::domain::record::{Stamp, Timestamp};
use crate::domain::referral::{self, Referral};
use crate::domain::review::{self, Of, Review};
use crate::domain::text::Text;
use crate::domain::values::{Age, Ages, YesNo};
use crate::report::figures::{Grouping, Tally};

/// A check, by name.
pub type Check = (&'static str, fn(&mut dyn Storage));

/// Every check of the suite.
pub const CHECKS: &[Check] = &[
    ("records come back as they were saved", records_round_trip),
    (
        "an ID is kept when free, the next one used otherwise",
        ids_are_kept_when_free,
    ),
    ("a UUID already saved is skipped", a_uuid_is_saved_once),
    (
        "a bulk load that gives two records one UUID does not stand",
        a_bulk_load_keeps_uuids_unique,
    ),
    (
        "a write not committed leaves nothing",
        uncommitted_writes_leave_nothing,
    ),
    (
        "a write to fill the logbook is kept when committed and leaves nothing otherwise; a \
         stop with no statement running changes nothing",
        fills_are_writes,
    ),
    (
        "a referral's result follows its latest review",
        results_follow_the_latest_review,
    ),
    (
        "a record is not voided while records made from it stand",
        voiding_waits_for_what_stands,
    ),
    (
        "a correction keeps what it replaced",
        corrections_keep_old_values,
    ),
    (
        "a family's records are found by its key, whatever their spelling",
        families_are_found,
    ),
    (
        "a family keeps the spelling of its first consultation",
        families_keep_their_first_spelling,
    ),
    (
        "a corrected family reference moves the consultation to that family",
        corrected_families_move,
    ),
    (
        "a family's last year leaves out what is older or voided",
        a_familys_last_year,
    ),
    (
        "the year before a consultation is the family's last 365 days",
        the_year_before,
    ),
    (
        "the weekly list's candidates and pending referrals",
        what_may_be_due,
    ),
    (
        "what is due follows every record added, corrected and voided",
        due_follows_every_change,
    ),
    (
        "a period's records, with the UUIDs they hang from",
        records_in_a_period,
    ),
    ("lists filter consultations", lists_filter),
    (
        "every record, voided ones too, with the UUIDs it hangs from",
        every_record,
    ),
    (
        "audits come back by ID, by consultation and by period",
        audits_are_found,
    ),
    (
        "a consultation is not voided while an audit of it stands, and an audit's correction \
         keeps what it replaced",
        audits_stand_and_are_corrected,
    ),
    (
        "the weekly list's candidates narrowed to one advisor",
        one_advisors_candidates,
    ),
    (
        "the counts behind the figures of a period, whole and by organisation",
        figures_are_counted,
    ),
    (
        "follow-ups are counted as the domain defines them",
        follow_ups_are_counted_as_defined,
    ),
    (
        "a family consulted all through a period is one family of the figures",
        families_are_counted_once,
    ),
];

/// Today, for every check.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).expect("a date")
}

fn now() -> Timestamp {
    "2026-03-15T10:00:00Z".parse().expect("a timestamp")
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

/// A consultation about `family` on `date`, with notes and lists, not yet saved.
pub fn consultation(family: &str, date: &str, follow_up: Option<&str>) -> Consultation {
    let checklist = Checklist::bundled();
    let draft = consultation::Draft {
        date: Some(date.parse().expect("a date")),
        advisor: Some("Sam Patel".parse().expect("text")),
        setting: Some("Oakwood Primary surgery".parse().expect("text")),
        agency: Some("school".parse().expect("a code")),
        role: Some("DSL".parse().expect("text")),
        family: Some(family.parse().expect("text")),
        factors: vec![
            "3B".parse().expect("a code"),
            "16A".parse().expect("a code"),
        ],
        indicators: vec![
            "C2.1".parse().expect("an ID"),
            "P3.2".parse().expect("an ID"),
        ],
        consultee_level: "4".parse().ok(),
        outcome: Some("early-help".parse().expect("a code")),
        worry: Some("Often late,\nand hungry".parse().expect("a note")),
        follow_up: follow_up.map(|f| f.parse().expect("a date")),
        ..consultation::Draft::default()
    };
    let rules = Rules {
        checklist: &checklist,
        today: today(),
        family: &FamilyRule::default(),
    };
    draft
        .consultation(rules, Stamp::fresh(ConsultationId(0), &now()))
        .expect("a valid consultation")
}

/// A referral to `to` made from `c` on `date`, not yet saved.
pub fn referral(c: &Consultation, to: &str, date: &str) -> Referral {
    let draft = referral::Draft {
        date: Some(date.parse().expect("a date")),
        to: Some(to.parse().expect("a code")),
        reason: Some("Disclosure".parse().expect("text")),
        ..referral::Draft::default()
    };
    let from = referral::From {
        id: c.id,
        date: c.date,
        outcome: c.outcome,
    };
    draft
        .referral(from, today(), Stamp::fresh(ReferralId(0), &now()))
        .expect("a valid referral")
}

/// The front door's decision on `r`, not yet saved.
pub fn decision(r: &Referral, result: &str, date: &str) -> Review {
    let draft = review::Draft {
        date: Some(date.parse().expect("a date")),
        result: Some(result.parse().expect("a code")),
        ..review::Draft::default()
    };
    draft
        .review(
            Of::Referral(r.id, r.date, r.to),
            today(),
            Stamp::fresh(ReviewId(0), &now()),
        )
        .expect("a valid decision")
}

/// A follow-up on `c`, not yet saved.
pub fn follow_up(c: &Consultation, date: &str, next: Option<&str>) -> Review {
    let draft = review::Draft {
        date: Some(date.parse().expect("a date")),
        status: Some("ongoing".parse().expect("a code")),
        note: Some("Spoke to the DSL".parse().expect("a note")),
        follow_up: next.map(|n| n.parse().expect("a date")),
        ..review::Draft::default()
    };
    draft
        .review(
            Of::Consultation(c.id, c.date),
            today(),
            Stamp::fresh(ReviewId(0), &now()),
        )
        .expect("a valid follow-up")
}

/// An audit of `c` on `date` graded `grade`, not yet saved.
pub fn audit(c: &Consultation, date: &str, grade: &str) -> Audit {
    let draft = audit::Draft {
        date: Some(date.parse().expect("a date")),
        auditor: Some("Pat Manager".parse().expect("text")),
        grade: Some(grade.parse().expect("a code")),
        level_agreed: Some("yes".parse().expect("yes")),
        pathway_agreed: Some("no".parse().expect("no")),
        learning: Some("Ask about the child's day".parse().expect("a note")),
        ..audit::Draft::default()
    };
    let of = audit::Of {
        id: c.id,
        date: c.date,
    };
    draft
        .audit(of, today(), Stamp::fresh(AuditId(0), &now()))
        .expect("a valid audit")
}

/// Saves records in one committed transaction.
fn write(storage: &mut dyn Storage, f: impl FnOnce(&mut dyn Writer)) {
    let mut tx = storage.write().expect("a write transaction");
    f(tx.as_mut());
    tx.commit().expect("committed");
}

fn add_consultation(storage: &mut dyn Storage, mut c: Consultation) -> Consultation {
    write(storage, |tx| c.id = tx.add_consultation(&c).expect("saved"));
    c
}

fn add_referral(storage: &mut dyn Storage, mut r: Referral) -> Referral {
    write(storage, |tx| r.id = tx.add_referral(&r).expect("saved"));
    r
}

fn add_review(storage: &mut dyn Storage, mut v: Review) -> Review {
    write(storage, |tx| v.id = tx.add_review(&v).expect("saved"));
    v
}

fn add_audit(storage: &mut dyn Storage, mut a: Audit) -> Audit {
    write(storage, |tx| a.id = tx.add_audit(&a).expect("saved"));
    a
}

fn records_round_trip(storage: &mut dyn Storage) {
    let c = add_consultation(
        storage,
        consultation("OAK-1", "2026-03-01", Some("2026-03-10")),
    );
    let r = add_referral(storage, referral(&c, "csc", "2026-03-02"));
    let v = add_review(storage, follow_up(&c, "2026-03-05", Some("2026-03-20")));
    let tx = storage.read().expect("a read transaction");
    assert_eq!(tx.consultation(c.id).expect("read"), Some(c.clone()));
    let mut pending = r.clone();
    pending.result = ReferralResult::Pending;
    assert_eq!(tx.referral(r.id).expect("read"), Some(pending));
    assert_eq!(tx.review(v.id).expect("read"), Some(v.clone()));
    assert_eq!(tx.consultation(ConsultationId(99)).expect("read"), None);
    assert!(tx.exists(c.id.any()).expect("read"));
    assert!(
        !tx.exists(RecordId::new(RecordKind::Review, 99))
            .expect("read")
    );
    assert_eq!(
        tx.find_uuid(RecordKind::Referral, r.uuid).expect("read"),
        Some(r.id.0)
    );
}

fn ids_are_kept_when_free(storage: &mut dyn Storage) {
    let mut c = consultation("OAK-2", "2026-03-01", None);
    c.id = ConsultationId(5);
    write(storage, |tx| {
        assert_eq!(tx.add_consultation(&c).expect("saved"), ConsultationId(5));
        let mut again = consultation("OAK-2", "2026-03-01", None);
        again.id = ConsultationId(5);
        assert_eq!(
            tx.add_consultation(&again).expect("saved"),
            ConsultationId(6)
        );
        let next = consultation("OAK-2", "2026-03-01", None);
        assert_eq!(
            tx.add_consultation(&next).expect("saved"),
            ConsultationId(7)
        );
    });
}

fn a_uuid_is_saved_once(storage: &mut dyn Storage) {
    let c = add_consultation(storage, consultation("OAK-3", "2026-03-01", None));
    let mut tx = storage.write().expect("a write transaction");
    let columns = super::columns(&c);
    assert_eq!(
        tx.insert(RecordKind::Consultation, 0, &columns)
            .expect("insert"),
        None,
        "a record whose UUID is already saved is skipped"
    );
    assert!(
        tx.add_consultation(&c).is_err(),
        "add refuses a UUID already saved"
    );
}

fn a_bulk_load_keeps_uuids_unique(storage: &mut dyn Storage) {
    let c = consultation("OAK-3", "2026-03-01", None);
    let twin = consultation("OAK-3", "2026-03-02", None);
    let columns = |c: &Consultation| super::columns(c);
    let mut tx = storage.write().expect("a write transaction");
    let bulk = tx.begin_bulk(RecordKind::Consultation).expect("begin");
    let first = tx.insert(RecordKind::Consultation, 0, &columns(&c));
    assert_eq!(first.expect("insert"), Some(1));
    let other = tx.insert(RecordKind::Consultation, 0, &columns(&twin));
    assert_eq!(other.expect("insert"), Some(2));
    let again = tx.insert(RecordKind::Consultation, 7, &columns(&c));
    let duplicates = tx.finish_bulk(20).expect("finish");
    if bulk {
        // Records are not checked against each other until the load ends.
        assert_eq!(again.expect("insert"), Some(7));
        assert_eq!(
            duplicates,
            [super::Duplicate {
                uuid: c.uuid,
                numbers: vec![1, 7]
            }]
        );
    } else {
        assert_eq!(again.expect("insert"), None, "the second is skipped");
        assert_eq!(duplicates, []);
    }
}

fn uncommitted_writes_leave_nothing(storage: &mut dyn Storage) {
    {
        let mut tx = storage.write().expect("a write transaction");
        tx.add_consultation(&consultation("OAK-4", "2026-03-01", None))
            .expect("saved");
    }
    let tx = storage.read().expect("a read transaction");
    assert_eq!(tx.consultation(ConsultationId(1)).expect("read"), None);
}

fn fills_are_writes(storage: &mut dyn Storage) {
    {
        let mut tx = storage.write_to_fill().expect("a write transaction");
        tx.add_consultation(&consultation("OAK-4", "2026-03-01", None))
            .expect("saved");
    }
    {
        let tx = storage.read().expect("a read transaction");
        assert_eq!(tx.consultation(ConsultationId(1)).expect("read"), None);
    }
    let mut c = consultation("OAK-4", "2026-03-01", None);
    let mut tx = storage.write_to_fill().expect("a write transaction");
    c.id = tx.add_consultation(&c).expect("saved");
    tx.commit().expect("committed");
    // An interruption that comes when nothing runs is not held against what runs next.
    if let Some(stop) = storage.stopper() {
        stop();
    }
    let next = add_consultation(storage, consultation("OAK-4", "2026-03-02", None));
    let tx = storage.read().expect("a read transaction");
    assert_eq!(tx.consultation(c.id).expect("read"), Some(c));
    assert_eq!(tx.consultation(next.id).expect("read"), Some(next));
}

fn results_follow_the_latest_review(storage: &mut dyn Storage) {
    let c = add_consultation(storage, consultation("OAK-5", "2026-03-01", None));
    let r = add_referral(storage, referral(&c, "csc", "2026-03-02"));
    let result = |storage: &mut dyn Storage| {
        let r = storage
            .read()
            .expect("read")
            .referral(r.id)
            .expect("read")
            .expect("there");
        (r.result, r.result_date)
    };
    let first = add_review(storage, decision(&r, "nfa", "2026-03-05"));
    assert_eq!(
        result(storage),
        (ReferralResult::Nfa, Some(day("2026-03-05")))
    );
    // A review dated earlier does not displace the latest.
    add_review(storage, decision(&r, "advice", "2026-03-04"));
    assert_eq!(
        result(storage),
        (ReferralResult::Nfa, Some(day("2026-03-05")))
    );
    // On the same date, the higher ID is the later.
    let tied = add_review(storage, decision(&r, "s47", "2026-03-05"));
    assert_eq!(
        result(storage),
        (ReferralResult::S47, Some(day("2026-03-05")))
    );
    // Voiding the latest puts the result back to what the others say, and keeps why.
    write(storage, |tx| {
        tx.void(
            tied.id.any(),
            &"entered twice".parse().expect("text"),
            &now(),
        )
        .expect("voided")
    });
    assert_eq!(
        result(storage),
        (ReferralResult::Nfa, Some(day("2026-03-05")))
    );
    let amendments = storage
        .read()
        .expect("read")
        .amendments(r.id.any())
        .expect("read");
    assert!(
        amendments
            .iter()
            .any(|a| a.field == "result" && a.old_value.as_deref() == Some("s47")),
        "the referral's change of result is kept: {amendments:?}"
    );
    write(storage, |tx| {
        tx.void(first.id.any(), &"wrong".parse().expect("text"), &now())
            .expect("voided")
    });
    assert_eq!(
        result(storage),
        (ReferralResult::Advice, Some(day("2026-03-04")))
    );
}

fn voiding_waits_for_what_stands(storage: &mut dyn Storage) {
    let c = add_consultation(storage, consultation("OAK-6", "2026-03-01", None));
    let r = add_referral(storage, referral(&c, "police", "2026-03-02"));
    let why = "entered in error".parse().expect("text");
    let mut tx = storage.write().expect("a write transaction");
    let refused = tx.void(c.id.any(), &why, &now()).expect_err("refused");
    assert!(
        refused.message.contains(&r.id.to_string()),
        "{}",
        refused.message
    );
    tx.void(r.id.any(), &why, &now())
        .expect("the referral first");
    tx.void(c.id.any(), &why, &now())
        .expect("then the consultation");
    assert!(
        tx.consultation(c.id)
            .expect("read")
            .expect("kept")
            .voided
            .is_some()
    );
    tx.commit().expect("committed");
}

fn corrections_keep_old_values(storage: &mut dyn Storage) {
    let old = add_consultation(storage, consultation("OAK-7", "2026-03-01", None));
    let mut new = old.clone();
    new.role = None;
    new.setting = "Elm surgery".parse().expect("text");
    write(storage, |tx| {
        let changes = tx
            .amend_consultation(&old, &new, "typed in error", &now())
            .expect("amended");
        let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["setting", "role"]);
    });
    let tx = storage.read().expect("read");
    assert_eq!(tx.consultation(old.id).expect("read"), Some(new));
    let amendments = tx.amendments(old.id.any()).expect("read");
    assert_eq!(amendments.len(), 2);
    assert_eq!(amendments[1].field, "role");
    assert_eq!(amendments[1].old_value.as_deref(), Some("DSL"));
    assert_eq!(amendments[1].new_value, None);
    assert_eq!(amendments[1].reason, "typed in error");
}

/// The key of a family reference.
fn key(reference: &str) -> FamilyKey {
    FamilyKey::of(reference)
}

fn families_are_found(storage: &mut dyn Storage) {
    // Spellings saved as they were typed, as in a logbook from before family keys.
    let a = add_consultation(storage, consultation("OAK-8", "2026-03-01", None));
    add_consultation(storage, consultation("ELM-1", "2026-03-01", None));
    add_consultation(storage, consultation("OAK-88", "2026-03-01", None));
    let b = add_consultation(storage, consultation("oak 8", "2026-03-03", None));
    let r = add_referral(storage, referral(&b, "csc", "2026-03-04"));
    let d = add_review(storage, decision(&r, "assessment", "2026-03-05"));
    let f = add_review(storage, follow_up(&a, "2026-03-06", None));
    let family = storage
        .read()
        .expect("read")
        .family(&key("Oak8"))
        .expect("read");
    let ids = |ids: Vec<RecordId>| ids.into_iter().map(|i| i.to_string()).collect::<Vec<_>>();
    assert_eq!(
        ids(family.consultations.iter().map(|c| c.id.any()).collect()),
        ids(vec![a.id.any(), b.id.any()])
    );
    assert_eq!(family.referrals.len(), 1);
    assert_eq!(
        ids(family.reviews.iter().map(|v| v.id.any()).collect()),
        ids(vec![d.id.any(), f.id.any()])
    );
    assert_eq!(family.spelling().map(|t| t.as_str()), Some("OAK-8"));
    let tx = storage.read().expect("read");
    let mut listed = Vec::new();
    let filter = Filter {
        family: Some(key("OAK 8")),
        ..Filter::default()
    };
    tx.consultations(&filter, &mut |c| {
        listed.push(c.id);
        Ok(())
    })
    .expect("read");
    assert_eq!(listed, [a.id, b.id], "list finds the family by key");
    let earlier = tx
        .family_year_before(&key("OAK8"), day("2026-03-03"))
        .expect("read");
    assert_eq!(
        earlier.iter().map(|e| e.id).collect::<Vec<_>>(),
        [a.id, b.id],
        "the year up to the day finds the family by key"
    );
}

fn families_keep_their_first_spelling(storage: &mut dyn Storage) {
    let first = add_consultation(storage, consultation("OAK-20", "2026-03-01", None));
    let second = add_consultation(storage, consultation("oak 20", "2026-03-02", None));
    let spelling = |storage: &mut dyn Storage, except| {
        storage
            .read()
            .expect("read")
            .family_spelling(&key("OAK20"), except)
            .expect("read")
            .map(|t| t.to_string())
    };
    assert_eq!(spelling(storage, None).as_deref(), Some("OAK-20"));
    assert_eq!(spelling(storage, Some(first.id)).as_deref(), Some("oak 20"));
    assert_eq!(
        storage
            .read()
            .expect("read")
            .family_spelling(&key("ELM-20"), None)
            .expect("read"),
        None
    );
    let mut typed = consultation("Oak_20", "2026-03-03", None);
    write(storage, |tx| {
        let respelled = tx.spell_family(&mut typed, false).expect("read");
        assert_eq!(
            respelled.expect("respelled").to_string(),
            "family 'Oak_20' recorded as OAK-20, its first spelling"
        );
        assert_eq!(typed.family.as_str(), "OAK-20");
        let mut new_family = consultation("ASH-1", "2026-03-03", None);
        assert_eq!(tx.spell_family(&mut new_family, false).expect("read"), None);
        assert_eq!(new_family.family.as_str(), "ASH-1");
    });
    // The first consultation voided, the next one's spelling is the family's.
    write(storage, |tx| {
        tx.void(
            first.id.any(),
            &"wrong family".parse().expect("text"),
            &now(),
        )
        .expect("voided")
    });
    assert_eq!(spelling(storage, None).as_deref(), Some("oak 20"));
    assert_eq!(spelling(storage, Some(second.id)), None);
}

fn corrected_families_move(storage: &mut dyn Storage) {
    let old = add_consultation(storage, consultation("OAK-21", "2026-03-01", None));
    let mut new = old.clone();
    new.family = "elm 21".parse().expect("text");
    write(storage, |tx| {
        tx.amend_consultation(&old, &new, "wrong family", &now())
            .expect("amended");
    });
    let tx = storage.read().expect("read");
    assert!(
        tx.family(&key("OAK-21"))
            .expect("read")
            .consultations
            .is_empty()
    );
    assert_eq!(
        tx.family(&key("ELM-21")).expect("read").consultations,
        [new]
    );
}

fn a_familys_last_year(storage: &mut dyn Storage) {
    let old = add_consultation(storage, consultation("OAK-22", "2025-03-14", None));
    let recent = add_consultation(storage, consultation("oak-22", "2025-03-15", None));
    let gone = add_consultation(storage, consultation("OAK-22", "2026-03-01", None));
    add_review(storage, follow_up(&old, "2025-03-20", None));
    write(storage, |tx| {
        tx.void(
            gone.id.any(),
            &"entered twice".parse().expect("text"),
            &now(),
        )
        .expect("voided")
    });
    let year = storage
        .read()
        .expect("read")
        .family_last_year(&key("OAK22"), today())
        .expect("read");
    assert_eq!(
        year.consultations.iter().map(|c| c.id).collect::<Vec<_>>(),
        [recent.id]
    );
    assert_eq!(
        year.reviews.len(),
        1,
        "a review of an older consultation, in the year"
    );
}

fn the_year_before(storage: &mut dyn Storage) {
    let old = add_consultation(storage, consultation("OAK-9", "2025-03-14", None));
    let inside = add_consultation(storage, consultation("OAK-9", "2025-03-15", None));
    let same_day = add_consultation(storage, consultation("OAK-9", "2026-03-15", None));
    let earlier = storage
        .read()
        .expect("read")
        .family_year_before(&key("OAK-9"), same_day.date)
        .expect("read");
    let ids: Vec<ConsultationId> = earlier.iter().map(|e| e.id).collect();
    assert_eq!(
        ids,
        [inside.id, same_day.id],
        "365 days before, not 366, to the day itself"
    );
    assert_ne!(old.id, inside.id);
}

fn what_may_be_due(storage: &mut dyn Storage) {
    let due = add_consultation(
        storage,
        consultation("OAK-10", "2026-03-01", Some("2026-03-10")),
    );
    let later = add_consultation(
        storage,
        consultation("OAK-11", "2026-03-01", Some("2026-04-30")),
    );
    let set_by_review = add_consultation(storage, consultation("OAK-12", "2026-03-01", None));
    add_review(
        storage,
        follow_up(&set_by_review, "2026-03-02", Some("2026-03-18")),
    );
    let pending = add_consultation(storage, consultation("OAK-13", "2026-03-01", None));
    let r = add_referral(storage, referral(&pending, "csc", "2026-03-02"));
    let tx = storage.read().expect("read");
    let mut seen = Vec::new();
    tx.may_be_due(day("2026-03-22"), None, &mut |c, reviews| {
        seen.push((c.id, reviews.len()));
        Ok(())
    })
    .expect("read");
    assert_eq!(
        seen,
        [(due.id, 0), (set_by_review.id, 1), (pending.id, 0)],
        "{later:?} is not due by the horizon"
    );
    let pending: Vec<ReferralId> = tx
        .pending_referrals(None)
        .expect("read")
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(pending, [r.id]);
}

/// The consultations the weekly list reads by `horizon`, and those the domain says are due by
/// then (`follow_up::due_from` of every consultation, its reviews and its referrals).
fn due_both_ways(
    storage: &mut dyn Storage,
    horizon: &str,
) -> (Vec<ConsultationId>, Vec<ConsultationId>) {
    let horizon = day(horizon);
    let tx = storage.read().expect("read");
    let mut listed = Vec::new();
    tx.may_be_due(horizon, None, &mut |c, _| {
        listed.push(c.id);
        Ok(())
    })
    .expect("read");
    let mut all = Vec::new();
    tx.consultations(&Filter::default(), &mut |c| {
        all.push(c);
        Ok(())
    })
    .expect("read");
    let mut due = Vec::new();
    for c in all {
        let reviews = tx.reviews_of(c.id.any()).expect("read");
        let referrals = tx.referrals_from(c.id).expect("read");
        if crate::domain::follow_up::due_from(&c, &reviews, &referrals)
            .is_some_and(|d| d <= horizon)
        {
            due.push(c.id);
        }
    }
    (listed, due)
}

fn due_follows_every_change(storage: &mut dyn Storage) {
    let why: Text = "entered in error".parse().expect("text");
    let check = |storage: &mut dyn Storage, step: &str, expected: &[ConsultationId]| {
        let (listed, due) = due_both_ways(storage, "2026-03-22");
        assert_eq!(due, expected, "{step}: the domain's answer");
        assert_eq!(listed, expected, "{step}: what the weekly list reads");
    };
    let c = add_consultation(
        storage,
        consultation("OAK-30", "2026-03-01", Some("2026-03-10")),
    );
    check(storage, "a follow-up", &[c.id]);
    let answer = add_review(storage, follow_up(&c, "2026-03-05", Some("2026-04-20")));
    check(storage, "answered, the next one later", &[]);
    let mut sooner = answer.clone();
    sooner.follow_up = Some(day("2026-03-20"));
    write(storage, |tx| {
        tx.amend_review(&answer, &sooner, "typo", &now())
            .expect("amended");
    });
    check(storage, "the next one corrected to sooner", &[c.id]);
    write(storage, |tx| {
        tx.void(answer.id.any(), &why, &now()).expect("voided")
    });
    check(storage, "the answer voided", &[c.id]);
    let mut later = c.clone();
    later.follow_up = Some(day("2026-04-01"));
    write(storage, |tx| {
        tx.amend_consultation(&c, &later, "typo", &now())
            .expect("amended");
    });
    check(storage, "its own follow-up corrected to later", &[]);

    let d = add_consultation(storage, consultation("OAK-31", "2026-03-01", None));
    let r = add_referral(storage, referral(&d, "csc", "2026-03-02"));
    check(storage, "a referral pending", &[d.id]);
    let decided = add_review(storage, decision(&r, "nfa", "2026-03-04"));
    check(storage, "the referral decided", &[]);
    write(storage, |tx| {
        tx.void(decided.id.any(), &why, &now()).expect("voided")
    });
    check(storage, "the decision voided", &[d.id]);
    write(storage, |tx| {
        tx.void(r.id.any(), &why, &now()).expect("voided")
    });
    check(storage, "the referral voided", &[]);

    let e = add_consultation(
        storage,
        consultation("OAK-32", "2026-03-01", Some("2026-03-03")),
    );
    check(storage, "another follow-up", &[e.id]);
    write(storage, |tx| {
        tx.void(e.id.any(), &why, &now()).expect("voided")
    });
    check(storage, "its consultation voided", &[]);
}

fn records_in_a_period(storage: &mut dyn Storage) {
    let c = add_consultation(storage, consultation("OAK-14", "2026-02-10", None));
    let gone = add_consultation(storage, consultation("OAK-15", "2026-02-11", None));
    add_consultation(storage, consultation("OAK-16", "2026-03-01", None));
    let r = add_referral(storage, referral(&c, "csc", "2026-02-12"));
    let v = add_review(storage, decision(&r, "nfa", "2026-02-13"));
    write(storage, |tx| {
        tx.void(
            gone.id.any(),
            &"wrong family".parse().expect("text"),
            &now(),
        )
        .expect("voided")
    });
    let february = Period {
        from: day("2026-02-01"),
        to: day("2026-02-28"),
    };
    let tx = storage.read().expect("read");
    let mut found = Vec::new();
    for kind in [
        RecordKind::Consultation,
        RecordKind::Referral,
        RecordKind::Review,
    ] {
        assert_eq!(
            tx.count_in_period(kind, february).expect("read"),
            1,
            "{kind:?}"
        );
        tx.each_in_period(kind, february, &mut |record| {
            found.push(match record {
                Exported::Consultation(x) => (x.id.any(), None, None),
                Exported::Referral(x, of) => (x.id.any(), Some(of), None),
                Exported::Review(x, of, decided) => (x.id.any(), of, decided),
                Exported::Audit(x, of) => (x.id.any(), Some(of), None),
            });
            Ok(())
        })
        .expect("read");
    }
    assert_eq!(
        found,
        [
            (c.id.any(), None, None),
            (r.id.any(), Some(c.uuid), None),
            (v.id.any(), None, Some(r.uuid)),
        ]
    );
}

fn lists_filter(storage: &mut dyn Storage) {
    let a = add_consultation(storage, consultation("OAK-17", "2026-02-10", None));
    add_consultation(storage, consultation("OAK-18", "2026-03-01", None));
    let tx = storage.read().expect("read");
    let mut found = Vec::new();
    let filter = Filter {
        to: Some(day("2026-02-28")),
        agency: Some("school".parse().expect("a code")),
        ..Filter::default()
    };
    tx.consultations(&filter, &mut |c| {
        found.push(c.id);
        Ok(())
    })
    .expect("read");
    assert_eq!(found, [a.id]);
    drop(tx);
    let mut elsewhere = consultation("OAK-19", "2026-02-11", None);
    elsewhere.organisation = Some("Oakwood Primary School".parse().expect("text"));
    let elsewhere = add_consultation(storage, elsewhere);
    let tx = storage.read().expect("read");
    let mut found = Vec::new();
    let filter = Filter {
        organisation: Some("OAKWOOD primary school".parse().expect("text")),
        ..Filter::default()
    };
    tx.consultations(&filter, &mut |c| {
        found.push(c.id);
        Ok(())
    })
    .expect("read");
    assert_eq!(found, [elsewhere.id], "an organisation in any case");
}

fn one_advisors_candidates(storage: &mut dyn Storage) {
    let mine = add_consultation(
        storage,
        consultation("OAK-23", "2026-03-01", Some("2026-03-10")),
    );
    let mut theirs = consultation("OAK-24", "2026-03-01", Some("2026-03-10"));
    theirs.advisor = "Jo Smith".parse().expect("text");
    let theirs = add_consultation(storage, theirs);
    let r = add_referral(storage, referral(&theirs, "csc", "2026-03-02"));
    let tx = storage.read().expect("read");
    let candidates = |advisor: Option<&str>| {
        let advisor = advisor.map(|a| a.parse().expect("text"));
        let mut seen = Vec::new();
        tx.may_be_due(day("2026-03-22"), advisor.as_ref(), &mut |c, _| {
            seen.push(c.id);
            Ok(())
        })
        .expect("read");
        let pending: Vec<ReferralId> = tx
            .pending_referrals(advisor.as_ref())
            .expect("read")
            .iter()
            .map(|r| r.id)
            .collect();
        (seen, pending)
    };
    assert_eq!(candidates(Some("sam patel")), (vec![mine.id], vec![]));
    assert_eq!(candidates(Some("Jo Smith")), (vec![theirs.id], vec![r.id]));
    assert_eq!(candidates(None).0, [mine.id, theirs.id]);
}

fn audits_are_found(storage: &mut dyn Storage) {
    let c = add_consultation(storage, consultation("OAK-19", "2026-02-10", None));
    let later = add_consultation(storage, consultation("OAK-19", "2026-03-01", None));
    let gone = add_consultation(storage, consultation("ELM-2", "2026-02-11", None));
    let second = add_audit(storage, audit(&c, "2026-03-02", "good"));
    let first = add_audit(storage, audit(&c, "2026-02-20", "inadequate"));
    let voided = add_audit(storage, audit(&c, "2026-02-21", "outstanding"));
    let of_later = add_audit(storage, audit(&later, "2026-03-03", "good"));
    let of_gone = add_audit(storage, audit(&gone, "2026-02-12", "good"));
    let why = "entered in error".parse().expect("text");
    write(storage, |tx| {
        tx.void(voided.id.any(), &why, &now()).expect("voided");
        tx.void(of_gone.id.any(), &why, &now()).expect("voided");
        tx.void(gone.id.any(), &why, &now()).expect("voided");
    });
    let tx = storage.read().expect("read");
    assert_eq!(tx.audit(second.id).expect("read"), Some(second.clone()));
    assert_eq!(tx.audit(AuditId(99)).expect("read"), None);
    assert!(tx.exists(first.id.any()).expect("read"));
    assert_eq!(
        tx.find_uuid(RecordKind::Audit, first.uuid).expect("read"),
        Some(first.id.0)
    );
    let ids = |audits: Vec<Audit>| audits.iter().map(|a| a.id).collect::<Vec<_>>();
    assert_eq!(
        ids(tx.audits_of(c.id).expect("read")),
        [first.id, voided.id, second.id],
        "oldest first, voided ones too"
    );
    let february = Period {
        from: day("2026-02-01"),
        to: day("2026-02-28"),
    };
    assert_eq!(
        ids(tx.audits_of_period(february).expect("read")),
        [first.id, second.id],
        "the audits standing of the period's consultations standing, whatever their own date"
    );
    assert_eq!(
        tx.count_in_period(RecordKind::Audit, february)
            .expect("read"),
        1
    );
    let mut exported = Vec::new();
    tx.each_in_period(RecordKind::Audit, february, &mut |record| {
        if let Exported::Audit(a, of) = record {
            exported.push((a.id, of));
        }
        Ok(())
    })
    .expect("read");
    assert_eq!(
        exported,
        [(first.id, c.uuid)],
        "by the audit's own date, with its consultation's UUID"
    );
    let family = tx.family(&FamilyKey::of("OAK-19")).expect("read");
    assert_eq!(
        ids(family.audits),
        [second.id, first.id, voided.id, of_later.id],
        "in ID order, voided ones too"
    );
}

fn audits_stand_and_are_corrected(storage: &mut dyn Storage) {
    let c = add_consultation(storage, consultation("OAK-20", "2026-03-01", None));
    let a = add_audit(storage, audit(&c, "2026-03-02", "good"));
    let why = "entered in error".parse().expect("text");
    {
        let mut tx = storage.write().expect("a write transaction");
        let refused = tx.void(c.id.any(), &why, &now()).expect_err("refused");
        assert!(
            refused.message.contains(&a.id.to_string()),
            "{}",
            refused.message
        );
    }
    let mut new = a.clone();
    new.grade = "requires-improvement".parse().expect("a code");
    new.note = Some("Level right, pathway too cautious".parse().expect("a note"));
    write(storage, |tx| {
        let changes = tx
            .amend_audit(&a, &new, "graded in haste", &now())
            .expect("amended");
        let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["grade", "note"]);
    });
    let amendments = storage
        .read()
        .expect("read")
        .amendments(a.id.any())
        .expect("read");
    assert_eq!(amendments.len(), 2);
    assert_eq!(amendments[0].old_value.as_deref(), Some("good"));
    assert_eq!(
        amendments[0].new_value.as_deref(),
        Some("requires-improvement")
    );
    assert_eq!(amendments[1].old_value, None);
    write(storage, |tx| {
        tx.void(a.id.any(), &why, &now()).expect("the audit first");
        tx.void(c.id.any(), &why, &now())
            .expect("then the consultation");
    });
    let tx = storage.read().expect("read");
    assert_eq!(
        tx.audit(a.id).expect("read").map(|a| a.grade),
        Some(new.grade)
    );
}

fn every_record(storage: &mut dyn Storage) {
    let c = add_consultation(storage, consultation("OAK-19", "2026-02-10", None));
    let gone = add_consultation(storage, consultation("OAK-20", "2026-02-11", None));
    let r = add_referral(storage, referral(&c, "csc", "2026-02-12"));
    let d = add_review(storage, decision(&r, "nfa", "2026-02-13"));
    let f = add_review(storage, follow_up(&c, "2026-02-14", None));
    let a = add_audit(storage, audit(&c, "2026-02-15", "good"));
    let wrong = add_audit(storage, audit(&gone, "2026-02-15", "good"));
    write(storage, |tx| {
        let why = "wrong family".parse().expect("text");
        tx.void(wrong.id.any(), &why, &now()).expect("voided");
        tx.void(gone.id.any(), &why, &now()).expect("voided")
    });
    let tx = storage.read().expect("read");
    let mut found = Vec::new();
    for kind in RecordKind::ALL {
        tx.every(kind, &mut |record| {
            found.push(match record {
                Exported::Consultation(x) => (x.id.any(), x.voided.is_some(), None, None),
                Exported::Referral(x, of) => (x.id.any(), x.voided.is_some(), Some(of), None),
                Exported::Review(x, of, decided) => (x.id.any(), x.voided.is_some(), of, decided),
                Exported::Audit(x, of) => (x.id.any(), x.voided.is_some(), Some(of), None),
            });
            Ok(())
        })
        .expect("read");
    }
    assert_eq!(
        found,
        [
            (c.id.any(), false, None, None),
            (gone.id.any(), true, None, None),
            (r.id.any(), false, Some(c.uuid), None),
            (d.id.any(), false, None, Some(r.uuid)),
            (f.id.any(), false, Some(c.uuid), None),
            (a.id.any(), false, Some(c.uuid), None),
            (wrong.id.any(), true, Some(gone.uuid), None),
        ]
    );
}

/// Voids a record in a transaction of its own.
fn void(storage: &mut dyn Storage, id: RecordId) {
    let why = "entered in error".parse().expect("text");
    write(storage, |tx| tx.void(id, &why, &now()).expect("voided"));
}

/// December 2025, as at 2026-03-15. Every consultation has the helper's consultee level 4,
/// advisor's level 3 and early-help (a diversion), factors 3B and 16A, unless changed:
///
/// - DIV-1 on 12-01, referred to csc on day 90 (2026-03-01): escalated; two audits on one date,
///   the second (inadequate, level not agreed) the latest. A second consultation of DIV-1 the
///   same day (advice, no consultee level) is a repeat.
/// - DIV-2 on 12-01 (consent given), referred to csc on day 91 (2026-03-02): held.
/// - DIV-3 on 12-20 (Oakwood Primary School; ages unborn and 16): its 90 days are not over,
///   too early. Its follow-up of 12-22 is answered that day by a review setting 12-29, which a
///   later review the same day answers in turn.
/// - DIV-4 on 12-05, referred to the police on 12-10: escalated.
/// - RR-5 on 12-10 (refer-csc, no consultee level): two referrals to csc on 12-11, the second a
///   re-referral; the first decided s47; a third on 12-12, voided.
fn figures_are_counted(storage: &mut dyn Storage) {
    let div_a = add_consultation(storage, consultation("DIV-1", "2025-12-01", None));
    let mut again = consultation("DIV-1", "2025-12-01", None);
    again.outcome = Outcome::Advice;
    again.consultee_level = None;
    add_consultation(storage, again);
    let mut div_b = consultation("DIV-2", "2025-12-01", None);
    div_b.consent = Some(Consent::Given);
    let div_b = add_consultation(storage, div_b);
    let mut div_c = consultation("DIV-3", "2025-12-20", Some("2025-12-22"));
    div_c.organisation = Some("Oakwood Primary School".parse().expect("text"));
    div_c.ages = Ages(vec![Age::Unborn, Age::Years(16)]);
    div_c.children = "2".parse().expect("a number");
    let div_c = add_consultation(storage, div_c);
    let div_d = add_consultation(storage, consultation("DIV-4", "2025-12-05", None));
    let mut rr = consultation("RR-5", "2025-12-10", None);
    rr.outcome = Outcome::ReferCsc;
    rr.consultee_level = None;
    let rr = add_consultation(storage, rr);

    add_referral(storage, referral(&div_a, "csc", "2026-03-01"));
    add_referral(storage, referral(&div_b, "csc", "2026-03-02"));
    add_referral(storage, referral(&div_d, "police", "2025-12-10"));
    let first = add_referral(storage, referral(&rr, "csc", "2025-12-11"));
    add_referral(storage, referral(&rr, "csc", "2025-12-11"));
    let voided = add_referral(storage, referral(&rr, "csc", "2025-12-12"));
    void(storage, voided.id.any());
    add_review(storage, decision(&first, "s47", "2025-12-20"));
    add_review(storage, follow_up(&div_c, "2025-12-22", Some("2025-12-29")));
    add_review(storage, follow_up(&div_c, "2025-12-22", None));
    add_audit(storage, audit(&div_a, "2026-01-05", "good"));
    let mut latest = audit(&div_a, "2026-01-05", "inadequate");
    latest.level_agreed = YesNo(false);
    add_audit(storage, latest);

    let december = Period {
        from: day("2025-12-01"),
        to: day("2025-12-31"),
    };
    let counts = |pairs: &[(&str, u64)]| {
        pairs
            .iter()
            .map(|(k, n)| (k.to_string(), *n))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let whole = Tally {
        consultations: 6,
        families: 5,
        outcomes: counts(&[("early-help", 4), ("advice", 1), ("refer-csc", 1)]),
        agencies: counts(&[("2A", 6)]),
        levels: [(3, 6)].into_iter().collect(),
        factors: counts(&[("3B", 6), ("16A", 6)]),
        consent: counts(&[("given", 1)]),
        consent_unrecorded: 5,
        ages: [(Age::Unborn, 1), (Age::Years(16), 1)]
            .into_iter()
            .collect(),
        children_unrecorded: 5,
        threshold_compared: 4,
        threshold_over: 4,
        diverted: 4,
        diverted_escalated: 2,
        diverted_held: 1,
        repeats: 1,
        destinations: counts(&[("csc", 2), ("police", 1)]),
        front_door_results: counts(&[("s47", 1), ("pending", 1)]),
        re_referrals: 1,
        follow_ups_on_time: 2,
        grades: counts(&[("inadequate", 1)]),
        pathway_agreed: 0,
        ..Tally::default()
    };
    // As any command reads, and as `report` does.
    for figures in [false, true] {
        let tx = reader(storage, figures);
        let found = tx.tallies(december, today(), None).expect("read");
        assert_eq!(found.keys().collect::<Vec<_>>(), [&None]);
        assert_eq!(found[&None], whole, "read for figures: {figures}");

        let by = tx
            .tallies(december, today(), Some(Grouping::Organisation))
            .expect("read");
        let oakwood = Some("Oakwood Primary School".to_string());
        assert_eq!(by.keys().collect::<Vec<_>>(), [&None, &oakwood]);
        let school = &by[&oakwood];
        assert_eq!(
            (
                school.consultations,
                school.diverted,
                school.diverted_escalated,
                school.diverted_held
            ),
            (1, 1, 0, 0),
            "DIV-3: too early"
        );
        assert_eq!(school.follow_ups_on_time, 2);
        assert_eq!(school.children_unrecorded, 0);
        assert_eq!(by[&None].consultations, 5);
        assert_eq!(by[&None].re_referrals, 1);

        // A later day: DIV-3's 90 days are over.
        let later = tx.tallies(december, day("2026-03-21"), None).expect("read");
        assert_eq!(later[&None].diverted_held, 2);
    }
}

fn families_are_counted_once(storage: &mut dyn Storage) {
    for date in ["2026-01-01", "2026-01-15", "2026-01-31"] {
        add_consultation(storage, consultation("OAK-20", date, None));
    }
    add_consultation(storage, consultation("OAK-21", "2026-01-31", None));
    let january = Period {
        from: day("2026-01-01"),
        to: day("2026-01-31"),
    };
    for figures in [false, true] {
        let tx = reader(storage, figures);
        let t = tx
            .tallies(january, today(), None)
            .expect("read")
            .remove(&None)
            .expect("counts");
        assert_eq!(
            (t.consultations, t.families, t.repeats),
            (4, 2, 2),
            "consultations, families and repeats; read for figures: {figures}"
        );
    }
}

/// A reading transaction, as any command reads or, with `figures`, as `report` does.
fn reader(storage: &mut dyn Storage, figures: bool) -> Box<dyn Reader + '_> {
    if figures {
        storage.read_figures()
    } else {
        storage.read()
    }
    .expect("read")
}

/// A small pseudo-random sequence, the same on every run.
struct Draws(u64);

impl Draws {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn day_after(&mut self, date: NaiveDate, within: u64) -> NaiveDate {
        let latest = today().min(date + chrono::Days::new(within));
        let days = (latest - date).num_days().max(0) as u64;
        date + chrono::Days::new(self.below(days + 1))
    }
}

/// Consultations with follow-ups and chains of reviews in every order — on the same day as
/// the record that set a follow-up, typed before it or after it, resolving, voided — counted
/// day by day by the engine and by `follow_up::follow_ups` over each consultation's reviews.
fn follow_ups_are_counted_as_defined(storage: &mut dyn Storage) {
    use crate::domain::follow_up::{self, Standing};
    let mut draws = Draws(0x9E37_79B9_7F4A_7C15);
    let mut consultations = Vec::new();
    for n in 0..30 {
        let date = day("2026-01-01") + chrono::Days::new(draws.below(40));
        let mut c = consultation(&format!("FU-{n}"), &date.to_string(), None);
        if draws.below(3) > 0 {
            c.follow_up = Some(date + chrono::Days::new(draws.below(20)));
        }
        consultations.push(add_consultation(storage, c));
    }
    for _ in 0..90 {
        let c = &consultations[draws.below(30) as usize];
        let date = draws.day_after(c.date, 25);
        let next = (draws.below(3) > 0).then(|| draws.day_after(date, 15));
        let mut v = follow_up(c, &date.to_string(), None);
        v.follow_up = next;
        if draws.below(6) == 0 {
            v.status = Some(ReviewStatus::Resolved);
        }
        let v = add_review(storage, v);
        if draws.below(10) == 0 {
            void(storage, v.id.any());
        }
    }
    // A voided consultation sets no follow-up, whatever its reviews did.
    let gone = consultations[0].id;
    let standing: Vec<RecordId> = storage
        .read()
        .expect("read")
        .reviews_of(gone.any())
        .expect("read")
        .iter()
        .filter(|v| v.voided.is_none())
        .map(|v| v.id.any())
        .collect();
    for id in standing {
        void(storage, id);
    }
    void(storage, gone.any());

    let tx = storage.read_figures().expect("read");
    let as_at = day("2026-02-10");
    let mut expected: std::collections::BTreeMap<NaiveDate, [u64; 4]> = Default::default();
    for c in &consultations {
        let c = tx.consultation(c.id).expect("read").expect("saved");
        let reviews = tx.reviews_of(c.id.any()).expect("read");
        for f in follow_up::follow_ups(&c, &reviews) {
            let slot = match f.standing(as_at) {
                Standing::OnTime => 0,
                Standing::Late => 1,
                Standing::Overdue => 2,
                Standing::Upcoming => 3,
            };
            expected.entry(f.due).or_default()[slot] += 1;
        }
    }
    assert!(
        expected.values().map(|n| n[0]).sum::<u64>() > 0
            && expected.values().map(|n| n[1]).sum::<u64>() > 0
            && expected.values().map(|n| n[2]).sum::<u64>() > 0
            && expected.values().map(|n| n[3]).sum::<u64>() > 0,
        "the logbook has follow-ups of every standing: {expected:?}"
    );
    let mut date = day("2026-01-01");
    while date <= day("2026-03-31") {
        let found = tx
            .tallies(
                Period {
                    from: date,
                    to: date,
                },
                as_at,
                None,
            )
            .expect("read")
            .remove(&None)
            .unwrap_or_default();
        let counted = [
            found.follow_ups_on_time,
            found.follow_ups_late,
            found.follow_ups_overdue,
            found.follow_ups_upcoming,
        ];
        assert_eq!(
            counted,
            expected.get(&date).copied().unwrap_or_default(),
            "follow-ups due {date}: on time, late, overdue, upcoming"
        );
        date = date.succ_opt().expect("a date");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SqliteLogbook;

    #[test]
    fn sqlite_passes_every_check() {
        for (name, check) in CHECKS {
            let mut logbook = SqliteLogbook::in_memory().expect("an empty logbook");
            let ran =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&mut logbook)));
            assert!(ran.is_ok(), "SQLite fails the check: {name}");
        }
    }

    /// On a file, where the figures are read on two connections at once.
    #[test]
    fn sqlite_on_a_file_passes_every_check() {
        for (name, check) in CHECKS {
            let dir = tempfile::tempdir().expect("a folder");
            let access = crate::store::Access::Create { make_dir: false };
            let mut logbook =
                SqliteLogbook::open(&dir.path().join("logbook.db"), access).expect("a logbook");
            let ran =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&mut logbook)));
            assert!(ran.is_ok(), "SQLite on a file fails the check: {name}");
        }
    }
}
