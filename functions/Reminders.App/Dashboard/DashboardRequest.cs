using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Reminders.App.Hosting;

namespace Reminders.App.Dashboard;

/// <summary>Query-string reading shared by the dashboard's functions.</summary>
public static class DashboardRequest
{
    public static bool TryReadInt(HttpRequest request, string name, int fallback, int min, int max, out int value, out ProblemHttpResult? error)
    {
        error = null;
        value = fallback;
        var text = request.Query[name].FirstOrDefault();
        if (string.IsNullOrEmpty(text)) return true;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value) && value >= min && value <= max) return true;
        error = Problems.BadRequest(name, $"must be a whole number from {min} to {max}");
        return false;
    }
}
