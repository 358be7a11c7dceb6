using AiTradingBot.Storage.Tests.Support;

namespace AiTradingBot.Storage.Tests;

/// <summary>The store contract on the embedded SQLite file (a new temp file per test).</summary>
public sealed class SqliteStoreTests : StoreContractTests
{
    /// <inheritdoc />
    protected override Task<TestDatabase> CreateAsync(TimeProvider? time = null) => TestDatabase.SqliteAsync(time);
}
