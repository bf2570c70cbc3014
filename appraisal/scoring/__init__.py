"""The ground rules a score is computed under: period keys (``periods``), the parameters frozen with a closed
period (``parameters``), the default scheme and rule catalogue (``defaults``) and where each fact counts
(``facts``). The pluggable parts of a score are in ``appraisal.components`` and ``appraisal.constraints``."""
