"""Risks and issues of projects and programs: registers, escalation, heat maps."""
