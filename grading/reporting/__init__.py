"""What instructors read about a cohort: grades.csv, the cohort report, and what they are computed from.

``roster`` (who the trainees are), ``cohort`` (every submission's scores and answers),
``statistics`` (Moodle's item and test statistics), ``copying`` (evidence of copying),
``export`` (grades.csv, an nbgrader export plugin) and ``report`` (one self-contained HTML page).
"""
