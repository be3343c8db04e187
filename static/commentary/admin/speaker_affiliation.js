/* Speaker rows of the statement form: the "role at the time" autocomplete offers only the
 * roles of the expert chosen in the same row, and is cleared when a person picks another
 * expert. Without JavaScript the server still refuses a role that belongs to another expert.
 *
 * The admin fires `change` on every related select while the page sets itself up
 * (RelatedObjectLookups.js) and after a pop-up closes; only a change to a different expert
 * than the row held before may clear the role, or opening and saving a statement would erase
 * every speaker's role. */
'use strict';
{
    const $ = django.jQuery;
    const EXPERT = 'select[name$="-expert"]';
    let expertForOpenMenu = '';

    function row(element) {
        return element.closest('tr, .inline-related');
    }

    function rowExpertSelect(element) {
        const container = row(element);
        return container ? container.querySelector(EXPERT) : null;
    }

    // The expert a select showed when its row was set up: the option the server marked
    // selected (a pop-up's or a person's choice changes `selected`, never `defaultSelected`).
    function expertShown(select) {
        if (select.dataset.expertShown === undefined) {
            const initial = Array.from(select.options).find(function (option) {
                return option.defaultSelected;
            });
            select.dataset.expertShown = initial ? initial.value : '';
        }
        return select.dataset.expertShown;
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

    $(document).on('change', EXPERT, function () {
        if (this.value === expertShown(this)) {
            return;  // set-up, or the same expert chosen again: the role stays
        }
        this.dataset.expertShown = this.value;
        const container = row(this);
        const role = container ? container.querySelector('select[name$="-affiliation"]') : null;
        if (role && role.value) {
            $(role).val(null).trigger('change');
        }
    });
}
