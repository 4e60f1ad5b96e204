"""Certificates of completion: who completed the course (rule), a signed code (signature), the PDF (pdf).

``python -m grading certificates`` writes one bilingual PDF per trainee who
completed the course by the rule in ``curriculum/syllabus.yaml``, and a
register beside them; ``python -m grading verify CODE`` checks a code
against that register with the course secret, which trainees never see.
"""
