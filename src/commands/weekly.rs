//! The weekly list (`caselog review` with no ID): family by family, the follow-ups no review has
//! answered whose date has passed or falls within the days looked ahead, and the referrals
//! still pending — families with level 4 now or an urgent outcome first, then the longest
//! overdue. The store gives the consultations due by the horizon (read through `due_from`) with
//! their reviews; `follow_up::follow_ups` says which follow-up is unanswered. The list is
//! sorted whole, so each entry is kept small, and it is printed a family at a time.

use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use chrono::NaiveDate;
use serde::Serialize;
use serde::ser::SerializeStruct;

use crate::context::Context;
use crate::domain::codes::{Agency, CodeList, Destination, Outcome};
use crate::domain::family::FamilyKey;
use crate::domain::follow_up::{self, Due};
use crate::domain::ids::{ConsultationId, RecordId, ReferralId};
use crate::domain::text::Text;
use crate::domain::values::Level;
use crate::error::Result;
use crate::exchange;
use crate::output::{self, Output, Rows};
use crate::store::Storage;

/// What an item of the weekly list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
enum ItemKind {
    FollowUp,
    Referral,
}

/// Where an item of the weekly list stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum State {
    Overdue,
    Due,
    Pending,
}

impl State {
    fn code(self) -> &'static str {
        match self {
            State::Overdue => "overdue",
            State::Due => "due",
            State::Pending => "pending",
        }
    }
}

/// A follow-up not yet answered, or a referral still pending.
#[derive(Debug, Clone, Serialize)]
struct Item {
    /// C-<n> for a follow-up (its consultation), R-<n> for a pending referral.
    id: RecordId,
    kind: ItemKind,
    /// The follow-up date, or the date the referral was made.
    date: NaiveDate,
    state: State,
    /// For a follow-up: the consultation or review that set it.
    set_by: Option<RecordId>,
    agency: Agency,
    /// Shared by every item of the advisor's: a list of a hundred thousand items names a few
    /// dozen advisors.
    advisor: Rc<Text>,
    /// The level of need that stands now.
    level: Level,
    /// The consultation's outcome.
    outcome: Outcome,
    /// A referral's destination.
    to: Option<Destination>,
}

/// Why a family comes first on the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Priority {
    /// A consultation whose level of need now is 4.
    #[serde(rename = "level-4")]
    Level4,
    /// A consultation whose outcome is `urgent`.
    Urgent,
}

impl Priority {
    fn words(self) -> &'static str {
        match self {
            Priority::Level4 => "level 4",
            Priority::Urgent => "urgent",
        }
    }

    fn code(self) -> &'static str {
        match self {
            Priority::Level4 => "level-4",
            Priority::Urgent => "urgent",
        }
    }
}

/// One family's entry on the weekly list. Its spelling is looked up as it is printed, so that a
/// list of a hundred thousand families holds only their keys.
#[derive(Debug)]
struct FamilyDue {
    key: FamilyKey,
    /// The family's spelling, that of its first consultation: found as it is printed.
    family: Option<Text>,
    /// Why it comes first, if it does.
    priority: Vec<Priority>,
    /// Its follow-ups and pending referrals, oldest first.
    items: Vec<Item>,
}

impl Serialize for FamilyDue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut entry = s.serialize_struct("FamilyDue", 4)?;
        entry.serialize_field("family", &self.family)?;
        entry.serialize_field("key", &self.key)?;
        entry.serialize_field("priority", &self.priority)?;
        entry.serialize_field("items", &self.items)?;
        entry.end()
    }
}

impl FamilyDue {
    /// The family's spelling, or its key while there is none (every consultation of a family
    /// on the list stands, so there is one).
    fn spelling(&self) -> &str {
        self.family.as_ref().map_or(self.key.as_str(), Text::as_str)
    }
}

/// A referral still pending, as the list shows it.
struct Pending {
    id: ReferralId,
    date: NaiveDate,
    to: Destination,
}

/// Prints the weekly list looking `within` days ahead, for everyone or one advisor.
pub fn list(
    within: u16,
    advisor: Option<&Text>,
    output: Output,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<()> {
    let today = ctx.clock.today();
    let within = u32::from(within);
    let horizon = today + chrono::Days::new(u64::from(within));
    let mut logbook = ctx.open_existing()?;
    let tx = logbook.read()?;
    let mut pending: HashMap<ConsultationId, Vec<Pending>> = HashMap::new();
    for r in tx.pending_referrals(advisor)? {
        pending.entry(r.consultation).or_default().push(Pending {
            id: r.id,
            date: r.date,
            to: r.to,
        });
    }
    // The families on the list by their place in `gathered`, each item with its family's
    // place, and each advisor's name held once: a county's list holds a hundred thousand
    // families, so each is kept small until it is printed.
    let mut places: HashMap<FamilyKey, u32> = HashMap::new();
    let mut gathered: Vec<Gathered> = Vec::new();
    let mut items: Vec<(u32, Item)> = Vec::new();
    let mut advisors: HashMap<Text, Rc<Text>> = HashMap::new();
    tx.may_be_due(horizon, advisor, &mut |c, reviews| {
        let level = follow_up::current_level(c, reviews);
        let advisor = advisors
            .entry(c.advisor.clone())
            .or_insert_with(|| Rc::new(c.advisor.clone()))
            .clone();
        let item = |id: RecordId, kind, date, state, set_by, to| Item {
            id,
            kind,
            date,
            state,
            set_by,
            agency: c.agency,
            advisor: Rc::clone(&advisor),
            level,
            outcome: c.outcome,
            to,
        };
        let mut due = Vec::new();
        // The follow-ups not answered (domain brief §5) that fall due by the horizon.
        for f in follow_up::follow_ups(c, reviews) {
            if f.answered.is_some() {
                continue;
            }
            if let Some(when) = follow_up::due(f.due, today, within) {
                let state = match when {
                    Due::Overdue => State::Overdue,
                    Due::Due => State::Due,
                };
                let id = c.id.any();
                due.push(item(
                    id,
                    ItemKind::FollowUp,
                    f.due,
                    state,
                    Some(f.set_by),
                    None,
                ));
            }
        }
        // A referral's consultation is never voided while the referral stands (see `void`).
        for r in pending.remove(&c.id).into_iter().flatten() {
            due.push(item(
                r.id.any(),
                ItemKind::Referral,
                r.date,
                State::Pending,
                None,
                Some(r.to),
            ));
        }
        if due.is_empty() {
            return Ok(());
        }
        let place = *places.entry(c.family_key()).or_insert_with_key(|key| {
            gathered.push(Gathered {
                key: key.clone(),
                level4: false,
                urgent: false,
            });
            (gathered.len() - 1) as u32
        });
        let family = &mut gathered[place as usize];
        family.level4 |= level.get() == 4;
        family.urgent |= c.outcome == Outcome::Urgent;
        items.extend(due.into_iter().map(|i| (place, i)));
        Ok(())
    })?;
    drop(places);
    // Each family's items side by side, oldest first; then the families in the list's order.
    items.sort_by_key(|(place, i)| (*place, i.date, i.kind, i.id.number));
    let mut order: Vec<Ranked> = Vec::with_capacity(gathered.len());
    let mut first = 0;
    for run in items.chunk_by(|a, b| a.0 == b.0) {
        let place = run[0].0;
        let family = &gathered[place as usize];
        order.push(Ranked {
            place,
            first,
            len: run.len(),
            first_place: !(family.level4 || family.urgent),
            not_overdue: !run.iter().any(|(_, i)| i.state == State::Overdue),
            overdue: run
                .iter()
                .filter(|(_, i)| i.state == State::Overdue)
                .map(|(_, i)| i.date)
                .min(),
            oldest: run[0].1.date,
        });
        first += run.len();
    }
    order.sort_by(|a, b| {
        (a.first_place, a.not_overdue, a.overdue, a.oldest)
            .cmp(&(b.first_place, b.not_overdue, b.overdue, b.oldest))
            .then_with(|| {
                gathered[a.place as usize]
                    .key
                    .cmp(&gathered[b.place as usize].key)
            })
    });
    let follow_ups = items
        .iter()
        .filter(|(_, i)| i.kind == ItemKind::FollowUp)
        .count();
    let mut view = WeeklyList {
        today,
        horizon,
        follow_ups,
        referrals: items.len() - follow_ups,
    };
    output.print_rows(&mut view, out, |each| {
        for ranked in &order {
            let family = &gathered[ranked.place as usize];
            let mut priority = Vec::new();
            if family.level4 {
                priority.push(Priority::Level4);
            }
            if family.urgent {
                priority.push(Priority::Urgent);
            }
            each(FamilyDue {
                key: family.key.clone(),
                family: tx.family_spelling(&family.key, None)?,
                priority,
                items: items[ranked.first..ranked.first + ranked.len]
                    .iter()
                    .map(|(_, i)| i.clone())
                    .collect(),
            })?;
        }
        Ok(())
    })
}

/// A family on the list as it is gathered: its key, and why it comes first if it does.
struct Gathered {
    key: FamilyKey,
    level4: bool,
    urgent: bool,
}

/// A family's place in the list's order: families with a priority first, then those with an
/// overdue follow-up, the longest overdue first, then by their oldest item, then by key.
struct Ranked {
    /// Its place in the families gathered.
    place: u32,
    /// Where its items are among the list's.
    first: usize,
    len: usize,
    first_place: bool,
    not_overdue: bool,
    overdue: Option<NaiveDate>,
    oldest: NaiveDate,
}

/// How the weekly list is printed, a family at a time.
struct WeeklyList {
    today: NaiveDate,
    horizon: NaiveDate,
    /// How many follow-ups and referrals the whole list holds, for the line under the table.
    follow_ups: usize,
    referrals: usize,
}

impl WeeklyList {
    /// What an item is, in words: "follow-up due tomorrow", "referral pending 3 days".
    fn what(&self, i: &Item) -> String {
        let today = self.today;
        let days = |n: i64| output::count(n as usize, "day");
        match i.state {
            State::Overdue => format!("follow-up {} overdue", days((today - i.date).num_days())),
            State::Due => match (i.date - today).num_days() {
                0 => "follow-up due today".to_string(),
                1 => "follow-up due tomorrow".to_string(),
                n => format!("follow-up due in {}", days(n)),
            },
            State::Pending => match (today - i.date).num_days() {
                0 => "referral pending since today".to_string(),
                n => format!("referral pending {}", days(n)),
            },
        }
    }

    fn outcome(i: &Item) -> String {
        match i.to {
            Some(to) => format!("to {to} ({})", to.label()),
            None => format!("{} ({})", i.outcome, i.outcome.label()),
        }
    }
}

impl Rows for WeeklyList {
    type Row = FamilyDue;
    const NOUN: &'static str = "family";

    fn headings(&self) -> &[&'static str] {
        &[
            "Family",
            "Priority",
            "Date",
            "ID",
            "What",
            "Agency",
            "Level",
            "Outcome / to",
        ]
    }

    /// One row per family; each of its items on a line of its own in every column.
    fn cells(&self, f: &FamilyDue) -> Vec<String> {
        let lines = |cell: &dyn Fn(&Item) -> String| {
            f.items.iter().map(cell).collect::<Vec<_>>().join("\n")
        };
        let priority: Vec<&str> = f.priority.iter().map(|p| p.words()).collect();
        vec![
            f.spelling().to_string(),
            priority.join(", "),
            lines(&|i| i.date.to_string()),
            lines(&|i| i.id.to_string()),
            lines(&|i| self.what(i)),
            lines(&|i| format!("{} {}", i.agency, i.agency.label())),
            lines(&|i| i.level.to_string()),
            lines(&WeeklyList::outcome),
        ]
    }

    fn footer(&self, families: usize) -> String {
        format!(
            "{}: {} due by {}, {} pending",
            match families {
                1 => "1 family".to_string(),
                n => format!("{n} families"),
            },
            output::count(self.follow_ups, "follow-up"),
            self.horizon,
            output::count(self.referrals, "referral"),
        )
    }

    /// One row per family: its follow-ups as `C-<n>:<date>:<state>` and its referrals as
    /// `R-<n>:<to>:<date>`, each list joined with `;`.
    fn csv_header(&self, w: &mut csv::Writer<&mut dyn Write>) -> Result<()> {
        Ok(w.write_record(["family", "priority", "follow_ups", "referrals"])?)
    }

    fn csv_row(&mut self, w: &mut csv::Writer<&mut dyn Write>, f: &FamilyDue) -> Result<()> {
        let joined = |kind: ItemKind, cell: &dyn Fn(&Item) -> String| {
            f.items
                .iter()
                .filter(|i| i.kind == kind)
                .map(cell)
                .collect::<Vec<_>>()
                .join(";")
        };
        let priority: Vec<&str> = f.priority.iter().map(|p| p.code()).collect();
        exchange::write_row(
            w,
            &[
                f.spelling().to_string(),
                priority.join(";"),
                joined(ItemKind::FollowUp, &|i| {
                    format!("{}:{}:{}", i.id, i.date, i.state.code())
                }),
                joined(ItemKind::Referral, &|i| {
                    let to = i.to.map(|t| t.to_string()).unwrap_or_default();
                    format!("{}:{to}:{}", i.id, i.date)
                }),
            ],
        )
    }
}
