//! Who may do what on a team logbook, enforced by the server: two group roles, their grants,
//! and row-level security policies, made (again) by `caselog team init` after the migrations.
//! Every record table is given the same policies by one loop over `RECORD_TABLES`, so a new
//! kind of record is one line there. docs/team.md explains each policy.
//!
//! - Everyone in either group reads every record: a family's chronology needs the whole
//!   picture, and a manager's figures and samples need every advisor's records. Audits too:
//!   they are records of the family's chronology (`show`, `history`) like the others, and an
//!   advisor reads the audits of their own decisions and what the team learns from them.
//! - A record keeps the role that created it (`created_by`, set by the server). Its recording
//!   role adds records as itself only, and corrects or voids only its own (UPDATE, on the
//!   columns people give; never the ID, UUID, creation time or author).
//! - An amendment may only be added by the author of the record it corrects.
//! - A consultation's `due_from` (when it is due on the weekly list) is no one's to update: it
//!   follows the consultation's reviews and referrals, which other advisors may add, so caselog
//!   works it out and writes it through `caselog_keep_due_from`, which advisors may run and
//!   which runs as the tables' owner, changing that column alone.
//! - Nobody may delete or truncate: a record made in error is voided.

/// The group role of advisors.
pub const ADVISOR: &str = "caselog_advisor";
/// The group role of managers.
pub const MANAGER: &str = "caselog_manager";

/// Every record table and the group that records in it.
pub const RECORD_TABLES: &[(&str, &str)] = &[
    ("consultation", ADVISOR),
    ("referral", ADVISOR),
    ("review", ADVISOR),
    ("audit", MANAGER),
];

/// The columns of a record no one may change once it is saved.
const STAMP_COLUMNS: &[&str] = &["id", "uuid", "created_at", "created_by"];

/// The columns worked out from other records, which no one updates by hand: a consultation's
/// `due_from` follows its reviews and referrals, whoever recorded them, and is written through
/// `caselog_keep_due_from` alone.
const KEPT_COLUMNS: &[&str] = &["due_from"];

/// The statements that create the group roles when they are missing (roles belong to the
/// whole server, and another team logbook on it may have made them already).
pub fn roles() -> String {
    [ADVISOR, MANAGER]
        .iter()
        .map(|role| {
            format!(
                "DO $$ BEGIN CREATE ROLE {role} NOLOGIN; \
                 EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;\n"
            )
        })
        .collect()
}

/// The grants and policies of every table, given the columns of each record table (read from
/// the catalogue, so that a column added by a migration is covered).
pub fn policies(columns: &dyn Fn(&str) -> Vec<String>) -> String {
    let both = format!("{ADVISOR}, {MANAGER}");
    let mut sql = format!(
        "DO $$ BEGIN
           EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
           EXECUTE format('GRANT CONNECT ON DATABASE %I TO {both}', current_database());
         END $$;
         GRANT USAGE ON SCHEMA public TO {both};
         REVOKE ALL ON caselog_schema FROM PUBLIC;
         GRANT SELECT ON caselog_schema TO {both};\n"
    );
    let recorders: Vec<&str> = {
        let mut r: Vec<&str> = RECORD_TABLES.iter().map(|(_, who)| *who).collect();
        r.sort_unstable();
        r.dedup();
        r
    };
    for (table, recorder) in RECORD_TABLES {
        let changeable: Vec<String> = columns(table)
            .into_iter()
            .filter(|c| !STAMP_COLUMNS.contains(&c.as_str()) && !KEPT_COLUMNS.contains(&c.as_str()))
            .collect();
        sql.push_str(&format!(
            "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
             REVOKE ALL ON {table} FROM PUBLIC, {both};
             GRANT SELECT ON {table} TO {both};
             GRANT INSERT ON {table} TO {recorder};
             GRANT UPDATE ({changeable}) ON {table} TO {recorder};
             REVOKE ALL ON SEQUENCE {table}_id_seq FROM PUBLIC;
             GRANT USAGE ON SEQUENCE {table}_id_seq TO {recorder};
             DROP POLICY IF EXISTS read_all ON {table};
             CREATE POLICY read_all ON {table} FOR SELECT TO {both} USING (true);
             DROP POLICY IF EXISTS record_own ON {table};
             CREATE POLICY record_own ON {table} FOR INSERT TO {recorder}
                 WITH CHECK (created_by = current_user);
             DROP POLICY IF EXISTS correct_own ON {table};
             CREATE POLICY correct_own ON {table} FOR UPDATE TO {recorder}
                 USING (created_by = current_user) WITH CHECK (created_by = current_user);\n",
            changeable = changeable.join(", "),
        ));
    }
    // Who recorded a record, by kind and number: for the amendments' policy.
    let authors: Vec<String> = RECORD_TABLES
        .iter()
        .map(|(table, _)| {
            format!("SELECT created_by FROM {table} WHERE kind = '{table}' AND id = number")
        })
        .collect();
    let table_names: Vec<String> = RECORD_TABLES
        .iter()
        .map(|(table, _)| format!("'{table}'"))
        .collect();
    let recorders = recorders.join(", ");
    sql.push_str(&format!(
        "CREATE OR REPLACE FUNCTION caselog_author(kind text, number bigint) RETURNS text
             LANGUAGE sql STABLE AS $$ {authors} $$;
         ALTER TABLE amendment ENABLE ROW LEVEL SECURITY;
         REVOKE ALL ON amendment FROM PUBLIC, {both};
         GRANT SELECT ON amendment TO {both};
         GRANT INSERT (record, record_id, field, old_value, new_value, reason, amended_at)
             ON amendment TO {recorders};
         REVOKE ALL ON SEQUENCE amendment_id_seq FROM PUBLIC;
         GRANT USAGE ON SEQUENCE amendment_id_seq TO {recorders};
         DROP POLICY IF EXISTS read_all ON amendment;
         CREATE POLICY read_all ON amendment FOR SELECT TO {both} USING (true);
         DROP POLICY IF EXISTS amend_own ON amendment;
         CREATE POLICY amend_own ON amendment FOR INSERT TO {recorders}
             WITH CHECK (created_by = current_user
                         AND caselog_author(record, record_id) = current_user);
         -- An import keeps records' numbers when they are free: the numbering then moves past
         -- them. Only forward, and only for caselog's tables, run as the tables' owner.
         CREATE OR REPLACE FUNCTION caselog_number_past(kind text) RETURNS void
             LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
         DECLARE top bigint;
         BEGIN
             IF kind NOT IN ({tables}) THEN
                 RAISE EXCEPTION 'not a caselog record table: %', kind;
             END IF;
             EXECUTE format('SELECT max(id) FROM %I', kind) INTO top;
             IF top > coalesce(pg_sequence_last_value(kind || '_id_seq'), 0) THEN
                 PERFORM setval(kind || '_id_seq', top);
             END IF;
         END $$;
         REVOKE ALL ON FUNCTION caselog_number_past(text) FROM PUBLIC;
         GRANT EXECUTE ON FUNCTION caselog_number_past(text) TO {recorders};
         -- When a consultation is due follows its reviews and referrals, whoever recorded them:
         -- caselog works it out and writes it here, as the tables' owner, column alone.
         CREATE OR REPLACE FUNCTION caselog_keep_due_from(ids bigint[], dues date[])
             RETURNS void
             LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
             UPDATE consultation c SET due_from = k.due FROM unnest(ids, dues) AS k (id, due)
             WHERE c.id = k.id AND c.due_from IS DISTINCT FROM k.due $$;
         REVOKE ALL ON FUNCTION caselog_keep_due_from(bigint[], date[]) FROM PUBLIC;
         GRANT EXECUTE ON FUNCTION caselog_keep_due_from(bigint[], date[]) TO {ADVISOR};\n",
        authors = authors.join(" UNION ALL "),
        tables = table_names.join(", "),
    ));
    sql
}

/// How a role is quoted in SQL.
pub fn quoted(role: &str) -> String {
    format!("\"{}\"", role.replace('"', "\"\""))
}
