from django.utils.translation import gettext as _

from coopdec.interop.iati.command import FilesCommand
from coopdec.interop.iati.validate import validate_file


class Command(FilesCommand):
    help = "Validate IATI 2.03 activity or organisation files: schema errors, then the standard's rules as warnings."
    json_help = "Print one JSON array, an object per file."

    def handle(self, *args, paths, json: bool = False, **options):
        reports = [validate_file(path) for path in paths]
        if json:
            self.write_json([report.as_dict() for report in reports])
        else:
            for report in reports:
                verdict = _("valid") if report.valid else _("INVALID")
                self.stdout.write(f"{report.path}: {verdict}")
                for error in report.errors:
                    self.stdout.write("  " + _("error: %(message)s") % {"message": error})
                for warning in report.warnings:
                    self.stdout.write("  " + _("warning: %(message)s") % {"message": warning})
        if not all(report.valid for report in reports):
            raise SystemExit(1)
