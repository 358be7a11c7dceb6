using AiTradingBot.Storage.Tests.Support;

namespace AiTradingBot.Storage.Tests;

/// <summary>The store contract on a real PostgreSQL 15 server (a new database per test).</summary>
public sealed class PostgresStoreTests : StoreContractTests
{
    /// <inheritdoc />
    protected override Task<TestDatabase> CreateAsync(TimeProvider? time = null) => TestDatabase.PostgresAsync(time);
}
