namespace Reminders.App.Dashboard;

/// <summary>The dashboard page, an embedded resource (one static HTML file: inline CSS and script, nothing fetched from elsewhere).</summary>
public static class DashboardHtml
{
    public const string ResourceName = "Reminders.App.Dashboard.dashboard.html";
    private const string NoncePlaceholder = "{{nonce}}";

    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = typeof(DashboardHtml).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The page with <paramref name="nonce"/> on its style and script elements (the Content-Security-Policy allows only those).</summary>
    public static string Render(string nonce) => Template.Value.Replace(NoncePlaceholder, nonce, StringComparison.Ordinal);
}
