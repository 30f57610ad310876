"""`yixie jobs_sync`: write the registered daily jobs into the job library's schedule table."""

from django.core.management.base import BaseCommand

from yixie.core import jobs


class Command(BaseCommand):
    help = "Write the daily jobs that apps register (yixie.core.jobs.register_daily) into the schedule table."

    def handle(self, *args, **options):
        done = jobs.sync_schedules()
        if options["verbosity"] < 1:
            return
        for what, names in done.items():
            for name in names:
                self.stdout.write(f"{what}: {name}")
        if options["verbosity"] > 1:
            for job in jobs.daily_jobs():
                self.stdout.write(f"{job.name}: {job.func} daily at {job.hour:02d}:{job.minute:02d}")
