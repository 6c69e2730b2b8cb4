"""The lab manager's file jobs run in the background: backup / restore, merge, relink, report,
import / export, with the progress dock; and the scheme editor (each save a new version). May
use ``common`` and the core; each action gets the objects it needs (study, parent widget, a
status reporter), never the main window."""
