"""Activities: tasks, activities (calls, meetings, e-mails, notes), discussions, notifications
and the hand-over of work while someone is absent."""
