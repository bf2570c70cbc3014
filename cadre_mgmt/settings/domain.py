"""The product's own settings: the defaults ``../shared/rules.md`` sets (grades, quotas, deadlines, hours) and the
choices it leaves open, each read from the environment. Imported by ``base``; the README lists them."""

import json
import os

from cadre_mgmt.settings.env import env_bool

# --- Discipline -----------------------------------------------------------------------------------
# Days after a decision takes effect within which its subject may appeal (申诉).
DISCIPLINE_APPEAL_DAYS = int(os.environ.get("DISCIPLINE_APPEAL_DAYS", "30"))
# Time limits of an open case, in calendar days, past which it is flagged on the home page and the case list:
# a registered case should be taken up (investigated or not pursued) within the first; an investigation should
# conclude within the second from the day it began (监督执纪工作规则: 审查调查 90 日; local practice, confirm).
DISCIPLINE_REGISTERED_DAYS = int(os.environ.get("DISCIPLINE_REGISTERED_DAYS", "30"))
DISCIPLINE_INVESTIGATION_DAYS = int(os.environ.get("DISCIPLINE_INVESTIGATION_DAYS", "90"))
# A reader who opens the same case file again within this many minutes (a reload) adds no access-log row; 0 logs
# every page view.
DISCIPLINE_ACCESS_LOG_DEDUPE_MINUTES = int(os.environ.get("DISCIPLINE_ACCESS_LOG_DEDUPE_MINUTES", "5"))

# --- Domain settings ------------------------------------------------------------------------------
# Cadres are due for rotation (轮岗交流) after this many years in the same post.
ROTATION_DUE_YEARS = int(os.environ.get("ROTATION_DUE_YEARS", "5"))
# Monthly work reports are due on this day of the following month (月度实绩, default the 5th).
MONTHLY_REPORT_DEADLINE_DAY = int(os.environ.get("MONTHLY_REPORT_DEADLINE_DAY", "5"))
# Remind responsible officials of task deadlines this many days ahead.
DEADLINE_REMINDER_DAYS = int(os.environ.get("DEADLINE_REMINDER_DAYS", "3"))

# --- Annual grades -------------------------------------------------------------------------------------------
# 优秀 for at most this share of a unit's appraised officials, rounded down; an approval recorded by the
# organization department may allow more, never past the ceiling (shared/rules.md Q1: ≤20 %, up to 25 % with
# approval — unconfirmed, so both are settings).
APPRAISAL_EXCELLENT_QUOTA = os.environ.get("APPRAISAL_EXCELLENT_QUOTA", "0.20")
APPRAISAL_EXCELLENT_QUOTA_CEILING = os.environ.get("APPRAISAL_EXCELLENT_QUOTA_CEILING", "0.25")
# Year-score thresholds of the proposed grade (a local practice): {"excellent": 90, "competent": 70, "basic": 60}.
APPRAISAL_GRADE_THRESHOLDS = json.loads(os.environ.get("APPRAISAL_GRADE_THRESHOLDS", "{}"))
# The constants of the work and timeliness components (appraisal/components/builtin.py), e.g.
# {"work": {"late": "0.7"}, "timeliness": {"late": "0.5"}}; frozen with each period when it closes.
APPRAISAL_COMPONENT_CONSTANTS = json.loads(os.environ.get("APPRAISAL_COMPONENT_CONSTANTS", "{}"))
# Probation of a new recruit (公务员法 第34条: one year); one still in probation at the end of the year is
# appraised with a 评语 only (不确定等次).
APPRAISAL_PROBATION_MONTHS = int(os.environ.get("APPRAISAL_PROBATION_MONTHS", "12"))
# The personnel categories that take part in the annual appraisal: civil_servant, managed_as_civil_servant,
# institution, non_establishment. No rule covers 编外 (non_establishment) staff, so they are left out by default (a
# local decision, see the README); any other category is 不参加考核 with the reason shown.
APPRAISAL_APPRAISED_CATEGORIES = [c.strip() for c in os.environ.get(
    "APPRAISAL_APPRAISED_CATEGORIES", "civil_servant,managed_as_civil_servant,institution").split(",") if c.strip()]

# --- Quarterly grades (平时考核: 好 / 较好 / 一般 / 较差; local practice, no national figures — see the README) -----
# The quarter score a grade needs: "good,fairly_good,average" (好 also needs a place within the share; below the
# last, 较差).
APPRAISAL_QUARTERLY_THRESHOLDS = dict(zip(
    ("good", "fairly_good", "average"),
    os.environ.get("APPRAISAL_QUARTERLY_THRESHOLDS", "85,70,60").split(","), strict=True))
# 好 for at most this share of a unit's appraised officials, rounded down.
APPRAISAL_QUARTERLY_GOOD_SHARE = os.environ.get("APPRAISAL_QUARTERLY_GOOD_SHARE", "0.40")
# The annual proposal: a 较差 quarter → not 优秀; 一般 in this many quarters or more → not 优秀 (0: off); and,
# where a unit chooses it for the year, no 好 quarter at all → not 优秀 (False: the choice is not offered).
APPRAISAL_QUARTERLY_POOR_BLOCKS_EXCELLENT = env_bool("APPRAISAL_QUARTERLY_POOR_BLOCKS_EXCELLENT", True)
APPRAISAL_QUARTERLY_AVERAGE_LIMIT = int(os.environ.get("APPRAISAL_QUARTERLY_AVERAGE_LIMIT", "2"))
APPRAISAL_QUARTERLY_NO_GOOD_RULE = env_bool("APPRAISAL_QUARTERLY_NO_GOOD_RULE", True)

# --- Annual appraisal (公务员法 第38、95、96条; 公务员考核规定 2020; shared/rules.md) ----------------------------
# The 公示 of the 优秀 candidates lasts at least this many working days, counted on the working-day calendar.
APPRAISAL_NOTICE_WORKING_DAYS = int(os.environ.get("APPRAISAL_NOTICE_WORKING_DAYS", "5"))
# Calendar days an official has to sign the written notice; after that it is recorded as 未签署 (no rule found:
# a local choice, see the README).
APPRAISAL_SIGN_DAYS = int(os.environ.get("APPRAISAL_SIGN_DAYS", "15"))
# Calendar days from the notice within which the official may ask for 复核 (第95条: 三十日).
APPRAISAL_REVIEW_DAYS = int(os.environ.get("APPRAISAL_REVIEW_DAYS", "30"))
# Calendar days within which the organization department decides a 复核 (第96条: 三十日).
APPRAISAL_REVIEW_DECISION_DAYS = int(os.environ.get("APPRAISAL_REVIEW_DECISION_DAYS", "30"))
# Calendar days after the 复核 decision within which a 申诉 may be filed (第95条: 十五日), and, without a 复核,
# after the notice (第95条: 也可以不经复核……三十日内直接提出申诉).
APPRAISAL_APPEAL_DAYS = int(os.environ.get("APPRAISAL_APPEAL_DAYS", "15"))
APPRAISAL_DIRECT_APPEAL_DAYS = int(os.environ.get("APPRAISAL_DIRECT_APPEAL_DAYS", "30"))
# The grades an official may ask to have reviewed. 第95条 guarantees it for 不称职 only; by default every grade
# may be reviewed (more than the law requires, never less). "incompetent" alone restricts it to the law's case.
APPRAISAL_REVIEWABLE_GRADES = [g for g in os.environ.get(
    "APPRAISAL_REVIEWABLE_GRADES", "excellent,competent,basic,incompetent,undetermined").split(",") if g]

# --- Leave and transfers (公务员考核规定 2020 第26、27条; shared/rules.md) ----------------------------------------
# Leave kinds whose days count toward "more than half the appraisal year away" (第27条: 病、事假). Kinds: sick,
# personal, maternity, marriage, bereavement, annual, other.
APPRAISAL_LEAVE_KINDS = [k for k in os.environ.get("APPRAISAL_LEAVE_KINDS", "sick,personal").split(",") if k]
# More than this many calendar days of those kinds in the year → 不确定等次 (rules.md Defaults 4: > 182 days).
APPRAISAL_LEAVE_MAX_DAYS = int(os.environ.get("APPRAISAL_LEAVE_MAX_DAYS", "182"))
# The unit that grades an official who changed units during the year: "rules" (第26条: after 调任/转任 the new
# unit, after 援派/挂职 the unit where they worked longest) or "longest" (the unit where they worked longest,
# whatever the kind of move).
APPRAISAL_TRANSFER_GRADED_BY = os.environ.get("APPRAISAL_TRANSFER_GRADED_BY", "rules")
# --- Check-up: ballots without accounts and completeness (季度多维体检, 民主测评) ---------------------------------
# Most codes one batch may issue (the slips are printed from one page).
APPRAISAL_BALLOT_MAX_CODES = int(os.environ.get("APPRAISAL_BALLOT_MAX_CODES", "5000"))
# A rater group with ballot codes counts only when this share of those asked answered (a fraction such as 2/3,
# or a decimal); below it the group is left out of the result, flagged, and the other groups' weights scale up.
APPRAISAL_BALLOT_MIN_RESPONSE_RATE = os.environ.get("APPRAISAL_BALLOT_MIN_RESPONSE_RATE", "2/3")
# The 0–100 scores of a ballot's 好 / 较好 / 一般 / 差, in that order (the usual 民主测评 conversion 1 / 0.8 /
# 0.6 / 0; a local practice, confirm locally). Copied onto each batch when it is issued.
APPRAISAL_BALLOT_SCORES = dict(zip(("good", "fairly_good", "average", "poor"), (int(v) for v in os.environ.get(
    "APPRAISAL_BALLOT_SCORES", "100,80,60,0").split(",")), strict=True))
# Ballot pages (no login) accept at most this many POSTs, and lookups of invalid codes, per client address in
# a fixed window of this many seconds (counted in the cache); then they answer 429 until the window ends.
APPRAISAL_BALLOT_POSTS_PER_IP = int(os.environ.get("APPRAISAL_BALLOT_POSTS_PER_IP", "30"))
APPRAISAL_BALLOT_THROTTLE_SECONDS = int(os.environ.get("APPRAISAL_BALLOT_THROTTLE_SECONDS", "600"))
# The address printed on the slips and in their QR codes (e.g. https://kaohe.example.gov.cn); empty: the
# address the organization department opened the page at.
APPRAISAL_BALLOT_BASE_URL = os.environ.get("APPRAISAL_BALLOT_BASE_URL", "").rstrip("/")
# Whether an incomplete check-up result (a group with raters short of the minimum responses) still counts in
# the score's evaluation component. False: it is left out, marked on the score page, and the other components
# scale up; True: it counts as it is (the behaviour before this setting).
APPRAISAL_CHECKUP_INCOMPLETE_COUNTS = env_bool("APPRAISAL_CHECKUP_INCOMPLETE_COUNTS", False)

