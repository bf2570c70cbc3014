"""The appraisal's workbooks, each written as a stream by xlsxwriter: the register of a period (``register``), the
annual registration forms (``registration``) and the use-of-results lists (``results``)."""
