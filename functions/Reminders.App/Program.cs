using Reminders.App;

var app = ReminderApp.Build(args);
app.Run();

/// <summary>Entry point; public so WebApplicationFactory can start the app in tests.</summary>
public partial class Program;
