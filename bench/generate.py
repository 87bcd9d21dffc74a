#!/usr/bin/env python3
"""Writes a realistic, deterministic caselog logbook as CSV in the export format.

    bench/generate.py --consultations 100000 --seed 1 --out DIR

DIR receives consultations.csv, referrals.csv and reviews.csv (with the free-text columns), for
`caselog import`, and voids.csv: the records to mark as entered in error afterwards with
`caselog void ID --reason TEXT`, in that order (the export format carries no voided records).
The same size and seed always give the same bytes. Dates run over four years
(2022-2025); follow-ups and reviews run into early 2026, so run caselog with CASELOG_NOW=2026-03-01
so that none is in the future.

Proportions, chosen to look like an advisor service's logbook: about one family for every three
consultations (so repeat consultations are common), 40 advisors across 400 settings, agencies
weighted as schools > health > police > others, checklist indicators drawn from the bundled
checklist with the advisor agreeing with the suggested level nine times in ten, a referral from
about one consultation in six, a follow-up on two in five, and a review on most follow-ups.
Every record keeps caselog's rules: a rationale wherever the level differs from the suggested one
or the pathway departs from the level (level 4 without a referral), and consent withheld-risk only
with an outcome that counts as a referral.
Most follow-ups that a review sets get a later review in turn, now and then a second review is
recorded on the same day, and a few consultations without a follow-up get a review anyway (which
may set one), so some consultations have a chain of reviews. These are drawn from a random stream
of their own: consultations.csv and referrals.csv do not depend on them.

About one record in a thousand of each kind is voided (at least three of each): some
consultations with everything made from them, some reviews alone (so that an earlier follow-up, or
a referral's pending result, stands again) and some referrals with their reviews. They are drawn
from a random stream of their own, so the three CSV files do not depend on them.
"""

import argparse
import csv
import datetime as dt
import pathlib
import random
import tomllib
import uuid

HERE = pathlib.Path(__file__).resolve().parent
CHECKLIST = HERE.parent / "src" / "domain" / "default_thresholds.toml"

START = dt.date(2022, 1, 1)
DAYS = (dt.date(2025, 12, 31) - START).days
LAST_REVIEW = dt.date(2026, 3, 1)  # the CASELOG_NOW to run caselog with

AGENCIES = [("2A", 38), ("2B", 3), ("3A", 6), ("3B", 10), ("3C", 5), ("3D", 2), ("3E", 1),
            ("3F", 2), ("4", 5), ("5A", 2), ("5B", 2), ("5C", 1), ("5D", 3), ("6", 10),
            ("7", 2), ("8", 6), ("1A", 1), ("1D", 1)]
FACTORS = ["1B", "2B", "3A", "3B", "3C", "4A", "4B", "5B", "6B", "7A", "10A", "11A", "13A",
           "14A", "15A", "16A", "17A", "18C", "20", "24A"]
MODES = [("surgery", 60), ("phone", 20), ("email", 10), ("visit", 5), ("meeting", 5)]
CONSENT = [("given", 55), ("not-asked", 20), ("refused", 5), ("withheld-risk", 5),
           ("not-applicable", 5), ("", 10)]
ROLES = ["DSL", "class teacher", "head teacher", "SENCo", "health visitor", "school nurse",
         "GP", "PCSO", "neighbourhood officer", "housing officer", "family support worker", ""]
OUTCOME_BY_LEVEL = {
    1: [("advice", 70), ("signpost", 25), ("reconsult", 5)],
    2: [("advice", 40), ("signpost", 25), ("early-help", 30), ("reconsult", 5)],
    3: [("early-help", 60), ("advice", 15), ("refer-csc", 20), ("reconsult", 5)],
    4: [("refer-csc", 75), ("urgent", 15), ("early-help", 10)],
}
DESTINATIONS = [("csc", 70), ("early-help", 15), ("police", 5), ("health", 7), ("other", 3)]
REFERRAL_OUTCOMES = ("refer-csc", "urgent")
RESULTS = [("nfa", 20), ("advice", 15), ("early-help", 20), ("assessment", 30), ("s47", 10),
           ("other", 5)]
STATUSES = [("ongoing", 35), ("resolved", 35), ("escalated", 10), ("stepped-down", 10),
            ("lost-contact", 10)]
WORRIES = ["Often arrives hungry and tired", "Mum seems low and is not coping",
           "Disclosed arguments at home", "Attendance has dropped since the move",
           "Missed two health visits", "Older brother hanging around with older youths",
           "Bruise on arm, explanation consistent", "Self-harm marks seen by PE teacher"]


def pick(rng, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def consent_for(outcome, consent):
    """Consent withheld because asking could put the child at risk goes with a referral; with any
    other outcome the consultee did not ask."""
    if consent == "withheld-risk" and outcome not in REFERRAL_OUTCOMES:
        return "not-asked"
    return consent


def departs(level, outcome):
    """Whether the pathway departs from the level, which then needs a rationale: level 4 without
    a referral, or level 1 or 2 with one."""
    referral = outcome in REFERRAL_OUTCOMES
    return (level == 4 and not referral) or (level <= 2 and referral)


def new_uuid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def stamp(date, rng):
    hour = rng.randrange(8, 19)
    if date >= LAST_REVIEW:
        hour = 8 + hour % 4  # before noon: caselog runs at CASELOG_NOW=2026-03-01T12:00:00Z
    return f"{date.isoformat()}T{hour:02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z"


def later_reviews(rng, cid, cuuid, level, date, next_follow):
    """The reviews of a consultation after its first (dated `date`, setting `next_follow` or
    none): most follow-ups a review sets are answered by a later review, which may set another;
    now and then a second review is recorded on the same day. None is dated after LAST_REVIEW.
    Returns (date, row) pairs in the order recorded, as the first review's are."""
    reviews = []
    while True:
        if next_follow and rng.random() < 0.75:
            date = max(date, next_follow + dt.timedelta(days=rng.randrange(-3, 8)))
        elif rng.random() < 0.02:
            pass  # the same day
        else:
            return reviews
        if date > LAST_REVIEW:
            return reviews
        status = pick(rng, STATUSES)
        next_follow = date + dt.timedelta(days=14) if status == "ongoing" and rng.random() < 0.3 else None
        new_level = rng.choice(["", "", max(1, min(4, level + rng.choice([-1, 1])))])
        reviews.append((date, [f"C-{cid}", cuuid, "", "", date.isoformat(), status, new_level,
                               rng.choice(["", 3, 4, 5]),
                               next_follow.isoformat() if next_follow else "", "",
                               stamp(date, rng), "Spoke to the consultee again"]))


def voids(seed, consultations, cons_referrals, cons_reviews, ref_reviews, reviews):
    """The records to void, in an order `caselog void` accepts: whatever was made from a record
    (a referral's reviews, a consultation's referrals and reviews) before the record itself."""
    rng = random.Random(f"{seed}:voids")
    done = set()
    order = []

    def void(record_id, reason):
        if record_id not in done:
            done.add(record_id)
            order.append((record_id, reason))

    def void_referral(rid, reason):
        for vid in ref_reviews.get(rid, ()):
            void(vid, reason)
        void(rid, reason)

    def sample(ids):
        ids = list(ids)
        return sorted(rng.sample(ids, min(len(ids), max(3, len(ids) // 1000))),
                      key=lambda i: int(i.split("-")[1]))

    for cid in sample(f"C-{k}" for k in range(1, consultations + 1)):
        reason = "Recorded against the wrong family"
        for rid in cons_referrals.get(cid, ()):
            void_referral(rid, reason)
        for vid in cons_reviews.get(cid, ()):
            void(vid, reason)
        void(cid, reason)
    for vid in sample(f"V-{k}" for k in range(1, reviews + 1)):
        void(vid, "Recorded twice")
    for rid in sample(r for rs in cons_referrals.values() for r in rs):
        void_referral(rid, "Made in error: no referral was made")
    return order


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--consultations", type=int, default=10000, help="how many consultations")
    ap.add_argument("--seed", type=int, default=1, help="the random seed")
    ap.add_argument("--out", type=pathlib.Path, required=True, help="directory for the CSV files")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    later = random.Random(f"{args.seed}:later reviews")
    args.out.mkdir(parents=True, exist_ok=True)

    checklist = tomllib.loads(CHECKLIST.read_text())
    indicators = [i["id"] for i in checklist["indicators"]]
    by_level = {lvl: [i for i in indicators if i[1] == str(lvl)] for lvl in (1, 2, 3, 4)}
    order = {i: n for n, i in enumerate(indicators)}

    n = args.consultations
    families = [f"FAM-{k:07d}" for k in range(max(1, n // 3))]
    advisors = [f"Advisor {k:02d}" for k in range(40)]
    settings = [f"School {k:03d} surgery" if k % 4 else f"Children's centre {k:03d}" for k in range(400)]
    dates = sorted(START + dt.timedelta(days=rng.randrange(DAYS + 1)) for _ in range(n))

    cons_cols = ["id", "uuid", "date", "advisor", "setting", "mode", "agency", "role", "family",
                 "children", "factors", "indicators", "consultee_level", "level",
                 "suggested_level", "confidence_before", "confidence_after", "consent",
                 "outcome", "follow_up", "created_at", "rationale", "worry", "strengths", "advice"]
    ref_cols = ["id", "uuid", "consultation", "consultation_uuid", "date", "to", "by", "consent",
                "urgent", "result", "result_date", "created_at", "reason"]
    rev_cols = ["id", "uuid", "consultation", "consultation_uuid", "referral", "referral_uuid",
                "date", "status", "level", "confidence", "follow_up", "result", "created_at",
                "note"]

    referral_n = 0
    review_n = 0
    # What was made from each record, by ID, to void records in an order caselog accepts.
    cons_referrals, cons_reviews, ref_reviews = {}, {}, {}
    with open(args.out / "consultations.csv", "w", newline="") as cf, \
            open(args.out / "referrals.csv", "w", newline="") as rf, \
            open(args.out / "reviews.csv", "w", newline="") as vf:
        cw, rw, vw = (csv.writer(f, lineterminator="\n") for f in (cf, rf, vf))
        cw.writerow(cons_cols)
        rw.writerow(ref_cols)
        vw.writerow(rev_cols)
        pending_reviews = []  # (date, row) of referral reviews, written in date order at the end
        for cid, date in enumerate(dates, start=1):
            cuuid = new_uuid(rng)
            # The level of need drives the indicators ticked and the outcome.
            need = pick(rng, [(1, 15), (2, 40), (3, 35), (4, 10)])
            ticked = set()
            if rng.random() < 0.9:
                ticked.add(rng.choice(by_level[need]))
                for _ in range(rng.randrange(4)):
                    ticked.add(rng.choice(by_level[rng.randint(1, need)]))
            ticked = sorted(ticked, key=order.get)
            suggested = max((int(i[1]) for i in ticked), default=None)
            level = suggested or need
            rationale = ""
            if suggested and rng.random() < 0.1:
                level = max(1, min(4, suggested + rng.choice([-1, 1])))
                rationale = "Judged on the whole picture, not the checklist alone" if level != suggested else ""
            consultee = rng.randint(max(1, level - 1), min(4, level + 1)) if rng.random() < 0.7 else None
            confidence = rng.random() < 0.6
            before = rng.randint(1, 4) if confidence else None
            after = min(5, before + rng.randint(0, 2)) if confidence else None
            outcome = pick(rng, OUTCOME_BY_LEVEL[level])
            if not rationale and departs(level, outcome):
                rationale = "The family is already working with early help, who will step up"
            follow_up = date + dt.timedelta(days=rng.choice([7, 14, 28])) if rng.random() < 0.4 else None
            cw.writerow([
                f"C-{cid}", cuuid, date.isoformat(), rng.choice(advisors), rng.choice(settings),
                pick(rng, MODES), pick(rng, AGENCIES), rng.choice(ROLES), rng.choice(families),
                rng.choice([1, 1, 1, 2, 2, 3]), ";".join(rng.sample(FACTORS, rng.randrange(3))),
                ";".join(ticked), consultee or "", level, suggested or "", before or "",
                after or "", consent_for(outcome, pick(rng, CONSENT)), outcome,
                follow_up.isoformat() if follow_up else "", stamp(date, rng), rationale,
                rng.choice(WORRIES), "Gran is involved" if rng.random() < 0.5 else "",
                "Talk to the family about early help" if rng.random() < 0.5 else "",
            ])
            if outcome in REFERRAL_OUTCOMES or rng.random() < 0.03:
                referral_n += 1
                cons_referrals.setdefault(f"C-{cid}", []).append(f"R-{referral_n}")
                rdate = date + dt.timedelta(days=rng.randrange(3))
                ruuid = new_uuid(rng)
                result = "pending" if rng.random() < 0.1 else pick(rng, RESULTS)
                result_date = rdate + dt.timedelta(days=rng.randrange(1, 10)) if result != "pending" else None
                rw.writerow([
                    f"R-{referral_n}", ruuid, f"C-{cid}", cuuid, rdate.isoformat(),
                    pick(rng, DESTINATIONS), rng.choice(["consultee", "consultee", "advisor"]),
                    pick(rng, CONSENT), "yes" if outcome == "urgent" else "no", result,
                    result_date.isoformat() if result_date else "", stamp(rdate, rng),
                    "Concerns meet the threshold for an assessment",
                ])
                if result_date:
                    pending_reviews.append((result_date, ["", "", f"R-{referral_n}", ruuid,
                                                          result_date.isoformat(), "", "", "", "",
                                                          result, stamp(result_date, rng), ""]))
            if follow_up and rng.random() < 0.75:
                vdate = follow_up + dt.timedelta(days=rng.randrange(-3, 8))
                vdate = max(vdate, date)
                status = pick(rng, STATUSES)
                next_follow = vdate + dt.timedelta(days=14) if status == "ongoing" and rng.random() < 0.3 else None
                pending_reviews.append((vdate, [f"C-{cid}", cuuid, "", "", vdate.isoformat(),
                                                status, rng.choice(["", level]),
                                                rng.choice(["", 3, 4, 5]),
                                                next_follow.isoformat() if next_follow else "",
                                                "", stamp(vdate, rng), "Checked in with the DSL"]))
                pending_reviews.extend(later_reviews(later, cid, cuuid, level, vdate, next_follow))
            elif not follow_up and later.random() < 0.03:
                # A review nobody scheduled (news from the consultee), which may set a follow-up.
                vdate = date + dt.timedelta(days=later.randrange(1, 60))
                if vdate <= LAST_REVIEW:
                    status = pick(later, STATUSES)
                    next_follow = vdate + dt.timedelta(days=14) if status != "resolved" and later.random() < 0.5 else None
                    pending_reviews.append((vdate, [f"C-{cid}", cuuid, "", "", vdate.isoformat(),
                                                    status, "", "",
                                                    next_follow.isoformat() if next_follow else "",
                                                    "", stamp(vdate, later), "The consultee called back"]))
                    pending_reviews.extend(later_reviews(later, cid, cuuid, level, vdate, next_follow))
        pending_reviews.sort(key=lambda item: item[0])
        for date, row in pending_reviews:
            review_n += 1
            vw.writerow([f"V-{review_n}", new_uuid(rng)] + row)
            if row[0]:
                cons_reviews.setdefault(row[0], []).append(f"V-{review_n}")
            else:
                ref_reviews.setdefault(row[2], []).append(f"V-{review_n}")
    voided = voids(args.seed, n, cons_referrals, cons_reviews, ref_reviews, review_n)
    with open(args.out / "voids.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "reason"])
        w.writerows(voided)
    print(f"{n} consultations, {referral_n} referrals, {review_n} reviews, {len(voided)} to void"
          f" in {args.out}")


if __name__ == "__main__":
    main()
