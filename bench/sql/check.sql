-- What `caselog check` asks SQLite, through the sqlite3 shell: the integrity check and the
-- foreign-key check (caselog also counts each table's records and voided records).
PRAGMA integrity_check;
PRAGMA foreign_key_check;
