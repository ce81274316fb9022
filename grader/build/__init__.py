"""Building the student release from source/ (nbgrader's generate_assignment)."""
