"""Files served through a view that has already checked the user may see them."""

from django.http import FileResponse, Http404


def protected_download(stored_file, *, filename: str, content_type: str | None = None) -> FileResponse:
    """Stream a stored file as an attachment named `filename`.

    The caller checked access: the file never has a public media URL. The content type is
    guessed from the name when not given; `nosniff` stops a browser from running it as something else.
    A file missing from the storage is a 404, not a server error."""
    try:
        handle = stored_file.open("rb")
    except OSError as error:
        raise Http404("Fichier introuvable.") from error
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
