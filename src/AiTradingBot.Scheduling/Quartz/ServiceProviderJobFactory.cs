using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Quartz.Spi;

namespace AiTradingBot.Scheduling.Quartz;

/// <summary>Creates each job run from the container (constructor injection), disposing it after the run.</summary>
internal sealed class ServiceProviderJobFactory(IServiceProvider services) : IJobFactory
{
    /// <inheritdoc />
    public IJob NewJob(TriggerFiredBundle bundle, IScheduler scheduler) =>
        (IJob)ActivatorUtilities.CreateInstance(services, bundle.JobDetail.JobType);

    /// <inheritdoc />
    public void ReturnJob(IJob job) => (job as IDisposable)?.Dispose();
}
