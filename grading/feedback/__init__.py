"""The feedback stage: what a trainee reads after grading, on nbgrader's feedback page.

``items`` rebuilds each exercise as its trainee saw it, from the instructor's record;
``teach`` (a preprocessor of nbgrader's GenerateFeedback) writes, under each graded item,
the question, the answer in words, the result and, after the due date, the right answer and why.
"""
