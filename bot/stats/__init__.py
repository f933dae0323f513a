"""Statistics for the city, the editors' inbox of unanswered questions, the monthly report."""
