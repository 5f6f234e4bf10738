"""Write services of the training app (DESIGN §3): banks, practice, exams."""
