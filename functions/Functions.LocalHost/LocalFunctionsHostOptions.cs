namespace Functions.LocalHost;

/// <summary>What the app tells the local host that the Functions host would read from its own key store.</summary>
public sealed class LocalFunctionsHostOptions
{
    /// <summary>Core Tools' address, used when no <c>urls</c> or <c>http_ports</c> setting names another.</summary>
    public const string DefaultUrl = "http://localhost:7071";

    /// <summary>
    /// Keys accepted in <c>x-functions-key</c> (or <c>?code=</c>) by functions whose level is not Anonymous, and by
    /// the admin API. Each opens every function, as the host's master key does.
    /// </summary>
    public IReadOnlyList<string> Keys { get; set; } = [];
}
