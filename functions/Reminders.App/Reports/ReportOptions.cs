using System.ComponentModel.DataAnnotations;

namespace Reminders.App.Reports;

/// <summary>Setting <c>Reports__AttributionWindow</c>: how long after a reminder a payment or confirmation is credited to it (default 24 h).</summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ErrorMessage = "must be a TimeSpan from 00:00:01 to 30.00:00:00, such as 1.00:00:00.")]
    public TimeSpan AttributionWindow { get; set; } = TimeSpan.FromDays(1);
}
