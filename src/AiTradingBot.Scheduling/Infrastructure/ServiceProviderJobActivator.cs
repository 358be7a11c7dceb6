using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Scheduling.Infrastructure;

/// <summary>Creates each job run from this container (constructor injection) in its own scope, disposed after the run.</summary>
internal sealed class ServiceProviderJobActivator(IServiceProvider services) : JobActivator
{
    /// <inheritdoc />
    public override object ActivateJob(Type jobType) => ActivatorUtilities.CreateInstance(services, jobType);

    /// <inheritdoc />
    public override JobActivatorScope BeginScope(JobActivatorContext context) => new Scope(services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope());

    private sealed class Scope(AsyncServiceScope scope) : JobActivatorScope
    {
        public override object Resolve(Type type) => ActivatorUtilities.CreateInstance(scope.ServiceProvider, type);

        public override void DisposeScope() => scope.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
