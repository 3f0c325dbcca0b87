"""Feed uploads are streamed to disk and stopped at the size limit as they arrive, not after.

Django keeps an upload in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE and spools the rest to a temporary file,
so memory stays flat; but it would accept a file of any size before the form could say it is too big. This
handler, first in FILE_UPLOAD_HANDLERS, counts the bytes as they come and stops the upload once they pass
MAST_MAX_UPLOAD_BYTES, so a 5 GB file costs the server 512 MB of disk at most, and the form then says why.
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

TOO_LARGE = "_mast_upload_too_large"


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int):
        self.received += len(raw_data)
        if self.received > settings.MAST_MAX_UPLOAD_BYTES:
            if self.request is not None:
                setattr(self.request, TOO_LARGE, True)
            # Django reads and drops the rest of the request (nothing kept), so the page can say why.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int):
        return None  # the next handler (memory, then a temporary file) keeps the file


def too_large(request) -> bool:
    return getattr(request, TOO_LARGE, False)
