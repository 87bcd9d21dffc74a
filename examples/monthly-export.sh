#!/usr/bin/env bash
# Writes last month's consultations, referrals and reviews as CSV to dated files in a directory,
# e.g. consultations-2026-02.csv, referrals-2026-02.csv, reviews-2026-02.csv, and the month's
# figures beside them: by agency as CSV (figures-by-agency-2026-02.csv, `caselog report --by
# agency --format csv`) and as a page to look at or print (figures-2026-02.html, `caselog report
# --format html`) — what a scheduled job (cron, a systemd timer) runs for the performance team
# and the managers. Free text is left out.
#
# Usage: monthly-export.sh DIRECTORY [YYYY-MM]
#   DIRECTORY  where the files go (must exist)
#   YYYY-MM    the month to export [default: last month]
# The logbook is the usual one: --db in CASELOG_DB, or the config file. Exits non-zero if any
# export fails; each file is written whole or not at all. Run again for the same month (after a
# failure, say), it replaces that month's files.
#
# Example crontab line (06:00 on the 1st of each month):
#   0 6 1 * * /usr/local/bin/monthly-export.sh /srv/exports/caselog >>/var/log/caselog-export.log 2>&1
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 DIRECTORY [YYYY-MM]" >&2
    exit 2
fi
dir=$1
if [[ ! -d $dir ]]; then
    echo "error: $dir is not a directory" >&2
    exit 2
fi

if [[ $# -eq 2 ]]; then
    month=$2
else
    # The month before this one: GNU date, or BSD/macOS date.
    first_of_month=$(date +%Y-%m-01)
    month=$(date -d "$first_of_month -1 month" +%Y-%m 2>/dev/null || date -v-1m +%Y-%m)
fi

caselog=${CASELOG:-caselog}
for records in consultations referrals reviews; do
    "$caselog" export --month "$month" --records "$records" \
        --output "$dir/$records-$month.csv" --force
done

"$caselog" report --month "$month" --by agency --format csv \
    --output "$dir/figures-by-agency-$month.csv" --force
"$caselog" report --month "$month" --format html \
    --output "$dir/figures-$month.html" --force
echo "exported $month to $dir"
