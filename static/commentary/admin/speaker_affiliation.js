/* Speaker rows of the statement form: the "role at the time" autocomplete offers only the
 * roles of the expert chosen in the same row, and is cleared when the expert changes.
 * Without JavaScript the server still refuses a role that belongs to another expert. */
'use strict';
{
    const $ = django.jQuery;
    let expertForOpenMenu = '';

    function rowExpertSelect(element) {
        const row = element.closest('tr, .inline-related');
        return row ? row.querySelector('select[name$="-expert"]') : null;
    }

    $(document).on('select2:opening', 'select[name$="-affiliation"]', function () {
        const expert = rowExpertSelect(this);
        expertForOpenMenu = expert ? expert.value : '';
    });

    // Django's autocomplete sends term, app_label, model_name and field_name; add the expert.
    $.ajaxPrefilter(function (options) {
        if (expertForOpenMenu && typeof options.data === 'string' &&
                options.data.includes('field_name=affiliation')) {
            options.data += '&expert=' + encodeURIComponent(expertForOpenMenu);
        }
    });

    $(document).on('change', 'select[name$="-expert"]', function () {
        const row = this.closest('tr, .inline-related');
        const role = row ? row.querySelector('select[name$="-affiliation"]') : null;
        if (role && role.value) {
            $(role).val(null).trigger('change');
        }
    });
}
