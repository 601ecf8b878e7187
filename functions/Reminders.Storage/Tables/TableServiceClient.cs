using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Reminders.Storage;

/// <summary>The Table service of one storage account: tables and their <see cref="TableClient"/>s.</summary>
public sealed class TableServiceClient
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _endpoint;

    public TableServiceClient(string connectionString, StorageClientOptions? options = null)
        : this(FromConnectionString(connectionString, options))
    {
    }

    public TableServiceClient(Uri endpoint, TokenCredential credential, StorageClientOptions? options = null)
        : this(endpoint, new StorageAuthentication(null, credential ?? throw new ArgumentNullException(nameof(credential))), options)
    {
    }

    public TableServiceClient(Uri endpoint, StorageSharedKeyCredential credential, StorageClientOptions? options = null)
        : this(endpoint, new StorageAuthentication(credential ?? throw new ArgumentNullException(nameof(credential)), null), options)
    {
    }

    private TableServiceClient((Uri Endpoint, StorageAuthentication Authentication, StorageClientOptions? Options) settings)
        : this(settings.Endpoint, settings.Authentication, settings.Options)
    {
    }

    private TableServiceClient(Uri endpoint, StorageAuthentication authentication, StorageClientOptions? options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
        _pipeline = StoragePipeline.Build(options ?? new StorageClientOptions(), authentication, tableService: true);
    }

    public Uri Uri => _endpoint;

    internal static (Uri Endpoint, StorageAuthentication Authentication, StorageClientOptions? Options) FromConnectionString(
        string connectionString, StorageClientOptions? options)
    {
        var parsed = StorageConnectionString.Parse(connectionString);
        if (parsed.Credential is null)
        {
            throw new FormatException("The storage connection string has no AccountKey; use the TokenCredential constructor for managed identity.");
        }
        return (parsed.TableEndpoint, new StorageAuthentication(parsed.Credential, null), options);
    }

    /// <summary>A client for one table; the name is checked here, the table is not created.</summary>
    public TableClient GetTableClient(string tableName) => new(_pipeline, _endpoint, tableName);

    public Task<Response<TableItem>> CreateTableIfNotExistsAsync(string tableName, CancellationToken cancellationToken = default) =>
        GetTableClient(tableName).CreateIfNotExistsAsync(cancellationToken);

    public Task<Response<TableItem>> CreateTableAsync(string tableName, CancellationToken cancellationToken = default) =>
        GetTableClient(tableName).CreateAsync(cancellationToken);

    /// <summary>Deletes the table; a table that does not exist is not an error (the response is 404).</summary>
    public Task<Response> DeleteTableAsync(string tableName, CancellationToken cancellationToken = default) =>
        GetTableClient(tableName).DeleteAsync(cancellationToken);

    /// <summary>Lists tables, following <c>x-ms-continuation-NextTableName</c>.</summary>
    public AsyncPageable<TableItem> QueryAsync(string? filter = null, int? maxPerPage = null, CancellationToken cancellationToken = default)
    {
        ValidateMaxPerPage(maxPerPage);
        return new TablePageable<TableItem>(
            async (continuation, pageSize, ct) =>
            {
                ValidateMaxPerPage(pageSize);
                var request = TableRest.CreateRequest(_pipeline, RequestMethod.Get, TableRest.Combine(_endpoint, "Tables"));
                TableRest.AppendQuery(request, "$filter", filter);
                TableRest.AppendQuery(request, "$top", pageSize?.ToString(CultureInfo.InvariantCulture));
                TableRest.AppendQuery(request, "NextTableName", continuation);
                var response = await TableRest.SendAsync(_pipeline, request, ct, 200).ConfigureAwait(false);
                using var json = TableRest.ReadJson(response);
                var items = json.RootElement.GetProperty("value").EnumerateArray()
                    .Select(t => new TableItem(t.GetProperty("TableName").GetString()!))
                    .ToList();
                return Page<TableItem>.FromValues(items, TableRest.Header(response, "x-ms-continuation-NextTableName"), response);
            },
            maxPerPage,
            cancellationToken);
    }

    internal static void ValidateMaxPerPage(int? maxPerPage)
    {
        if (maxPerPage is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPerPage), maxPerPage, "A page holds 1 to 1,000 items.");
        }
    }
}
