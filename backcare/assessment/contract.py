"""The stable interface of ../shared/CONTRACT.md that clinics integrate against.

Only ids live here, never wording: the knowledge base in data/ must provide
every one of them, and `backcare.assessment.knowledge` refuses to load if it does not.
"""

from typing import Final

#: Triage levels, most urgent first (CONTRACT section 2).
TRIAGE_LEVELS: Final = ("emergency", "urgent", "see_doctor", "self_care")

#: Allowed values of the contract's enum and list items (CONTRACT section 1).
ITEM_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "activity": ("stretching", "running", "strength_training", "other_exercise"),
    "onset": ("during", "right_after", "hours_later", "next_day"),
    "pain_areas": ("lower_back", "mid_back", "upper_back", "neck", "buttock", "leg"),
    "pain_feels": (
        "cramp",
        "sharp",
        "dull_ache",
        "stiffness",
        "tingling_or_burning",
        "shooting_down_leg",
    ),
    "known_conditions": (
        "herniated_disc",
        "sciatica",
        "arthritis",
        "spinal_stenosis",
        "scoliosis",
        "osteochondrosis",
        "other",
    ),
}

#: The warning-sign items of CONTRACT section 1, in its order, with the least urgent
#: level each may give when true (section 2). They are always asked, never assumed.
WARNING_ITEM_LEVELS: Final[dict[str, str]] = {
    **dict.fromkeys(
        ("saddle_numbness", "bladder_bowel_change", "both_legs", "chest_pain", "recent_trauma"),
        "emergency",
    ),
    **dict.fromkeys(
        (
            "leg_weakness",
            "fever",
            "unexplained_weight_loss",
            "cancer_history",
            "back_deformity",
            "night_pain",
            "worse_with_cough",
            "feeling_unwell",
        ),
        "urgent",
    ),
    **dict.fromkeys(
        ("leg_numbness", "pain_worsening", "stops_daily_activities", "struggling_to_cope"),
        "see_doctor",
    ),
    **dict.fromkeys(("between_shoulder_blades", "fracture_risk", "infection_risk"), "urgent"),
}
WARNING_ITEMS: Final = tuple(WARNING_ITEM_LEVELS)

#: Integer items and their inclusive bounds.
ITEM_RANGES: Final[dict[str, tuple[int, int]]] = {
    "age": (5, 110),
    "pain_now": (0, 10),
    "days_since_onset": (0, 3650),
}

#: Items typed by their contract table: a single enum or a list of enums.
ITEM_TYPES: Final[dict[str, str]] = {
    "age": "integer",
    "pain_now": "integer",
    "days_since_onset": "integer",
    "activity": "enum",
    "onset": "enum",
    "pain_areas": "multi",
    "pain_feels": "multi",
    "known_conditions": "multi",
    **{
        item: "boolean"
        for item in (
            "warmed_up",
            "pushed_past_limit",
            "bounced_or_jerked",
            "form_unsure",
            "load_increased",
            "tired_before",
            "muscles_tight",
            "low_fluids",
            "exercises_rarely",
            "heavy_lifting",
            "long_sitting",
            "poor_posture",
            "weak_core",
            "excess_weight",
            "smoker",
            "worn_shoes",
            "hard_surface",
        )
    },
    **{item: "boolean" for item in WARNING_ITEMS},
}


#: Cause ids that must exist and be rankable (CONTRACT section 3).
CAUSE_IDS: Final = (
    "muscle_strain",
    "poor_technique",
    "inadequate_warmup",
    "tight_muscles",
    "muscle_fatigue",
    "dehydration",
    "electrolyte_imbalance",
    "deconditioning",
    "training_overload",
    "lifting_technique",
    "poor_posture",
    "disc_problem",
    "nerve_compression",
    "piriformis_syndrome",
    "facet_joint_irritation",
    "underlying_condition",
    "running_impact",
    "excess_weight",
    "delayed_onset_soreness",
)
