"""Teaching: exercises with checked answers and the glossary."""
