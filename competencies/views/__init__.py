"""Views for competencies, split by concern: frameworks (editor), interchange (import and
export), records (the trainee's own pages) and signoff (mentors' queue and decisions)."""
