-- `caselog show C-<n>`: one consultation in full and the corrections made to it, through the
-- sqlite3 shell. bench/run replaces :id with the consultation's number.
-- caselog also puts labels beside the codes and describes each ticked indicator from the
-- checklist; the shell prints the stored values.
.mode line
SELECT * FROM consultation WHERE id = :id;
SELECT amended_at, field, old_value, new_value, reason FROM amendment
WHERE record = 'consultation' AND record_id = :id ORDER BY id;
