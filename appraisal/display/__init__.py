"""How the appraisal reads on pages and prints: grade names by personnel category (``grade_labels``), points and
ranks in words (``score_text``), the registration form's texts (``registration``) and the ballot slips with their
QR codes (``ballot_slips``)."""
