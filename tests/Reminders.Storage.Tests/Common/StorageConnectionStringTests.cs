using Reminders.TestSupport;

namespace Reminders.Storage.Tests.Common;

public sealed class StorageConnectionStringTests
{
    [Fact]
    public void Development_storage_points_at_Azurite_with_the_well_known_account()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:10002/devstoreaccount1"), parsed.TableEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.NotNull(parsed.Credential);
        Assert.Equal("devstoreaccount1", parsed.Credential.AccountName);
    }

    [Fact]
    public void Explicit_endpoints_win_over_the_suffix()
    {
        var parsed = StorageConnectionString.Parse(TestStorage.ConnectionStringFor(41000, 41001, 41002));

        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.Equal(new Uri("http://127.0.0.1:41002/devstoreaccount1"), parsed.TableEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:41001/devstoreaccount1"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("http://127.0.0.1:41000/devstoreaccount1"), parsed.BlobEndpoint);
    }

    [Fact]
    public void EndpointSuffix_and_protocol_build_the_cloud_endpoints()
    {
        var parsed = StorageConnectionString.Parse(
            $"DefaultEndpointsProtocol=https;AccountName=shop;AccountKey={TestStorage.AccountKey};EndpointSuffix=core.chinacloudapi.cn");
        var defaultSuffix = StorageConnectionString.Parse($"AccountName=shop;AccountKey={TestStorage.AccountKey}");

        Assert.Equal(new Uri("https://shop.table.core.chinacloudapi.cn"), parsed.TableEndpoint);
        Assert.Equal(new Uri("https://shop.queue.core.chinacloudapi.cn"), parsed.QueueEndpoint);
        Assert.Equal(new Uri("https://shop.blob.core.chinacloudapi.cn"), parsed.BlobEndpoint);
        Assert.Equal(new Uri("https://shop.table.core.windows.net"), defaultSuffix.TableEndpoint);
    }

    [Theory]
    [InlineData("AccountKey=abcd;EndpointSuffix=core.windows.net", "AccountName")]
    [InlineData("AccountName=;AccountKey=abcd", "AccountName")]
    [InlineData("", "empty")]
    [InlineData("AccountName=shop;AccountKey=not base64!", "Base64")]
    [InlineData("AccountName=shop;AccountKey=abcd;TableEndpoint=not-a-url", "TableEndpoint")]
    public void Malformed_connection_strings_are_refused_with_what_is_wrong(string connectionString, string named)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void A_table_client_needs_an_account_key_in_the_connection_string()
    {
        var error = Assert.Throws<FormatException>(() => new TableServiceClient("AccountName=shop;EndpointSuffix=core.windows.net"));

        Assert.Contains("AccountKey", error.Message);
    }

    [Fact]
    public void Account_keys_never_appear_in_error_messages()
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse("AccountName=shop;AccountKey=secret-not-base64"));

        Assert.DoesNotContain("secret", error.Message);
    }
}
