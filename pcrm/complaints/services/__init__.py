"""Writes of the complaints app (DESIGN §3): one module per part of the case."""

from pcrm.complaints.services.closing import (
    complaint_close,
    complaint_opportunity_request,
    followup_contact_record,
    root_cause_fixed_tell,
    root_cause_record,
    survey_channel_for,
    survey_record,
    survey_send,
    thank_you_letter_sent,
)
from pcrm.complaints.services.handling import (
    commitment_decide,
    commitment_make,
    complaint_decide,
    complaint_escalate,
    complaint_solution_record,
)
from pcrm.complaints.services.intake import Intake, complaint_assign, complaint_open
from pcrm.complaints.services.steps import (
    SolutionInput,
    StepEntry,
    complaint_apology_record,
    complaint_steps_record,
)
from pcrm.complaints.services.timing import (
    clock_alerts_raise,
    clock_pause,
    clock_resume,
    complaint_due_at,
    complaint_extend,
    complaint_mark_complex,
)

__all__ = [
    "Intake",
    "SolutionInput",
    "StepEntry",
    "clock_alerts_raise",
    "clock_pause",
    "clock_resume",
    "commitment_decide",
    "commitment_make",
    "complaint_apology_record",
    "complaint_assign",
    "complaint_close",
    "complaint_decide",
    "complaint_due_at",
    "complaint_escalate",
    "complaint_extend",
    "complaint_mark_complex",
    "complaint_open",
    "complaint_opportunity_request",
    "complaint_solution_record",
    "complaint_steps_record",
    "followup_contact_record",
    "root_cause_fixed_tell",
    "root_cause_record",
    "survey_channel_for",
    "survey_record",
    "survey_send",
    "thank_you_letter_sent",
]
