"""The attack suite (issue 14, point 8): every URL pattern, every viewer, every form."""
