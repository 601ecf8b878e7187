namespace Reminders.Channels.Smtp;

/// <summary>One server reply: its code and the text of each line (a multi-line reply has several).</summary>
internal sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    public bool IsPositiveCompletion => Code is >= 200 and < 300;

    public bool IsTransientNegative => Code is >= 400 and < 500;

    public bool IsPermanentNegative => Code is >= 500 and < 600;

    public string Text => string.Join(" ", Lines);

    /// <summary>The RFC 3463 enhanced status code at the start of the text ("5.1.1"), when the server sent one.</summary>
    public (int Class, int Subject, int Detail)? EnhancedStatus
    {
        get
        {
            var first = Lines.Count > 0 ? Lines[0] : "";
            var token = first.Split(' ', 2)[0].Split('.');
            if (token.Length == 3
                && int.TryParse(token[0], out var statusClass) && statusClass is 2 or 4 or 5
                && int.TryParse(token[1], out var subject)
                && int.TryParse(token[2], out var detail))
            {
                return (statusClass, subject, detail);
            }
            return null;
        }
    }

    public override string ToString() => $"{Code} {Text}";
}
