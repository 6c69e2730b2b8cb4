"""The main window and the application: it builds every room's widgets and actions, connects
them and holds no rules; also shortcuts, the F1 sheet, the saved layout and live refresh.
The only room that may use every other room; nothing outside it imports the main window."""
